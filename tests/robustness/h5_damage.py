"""Overwrite the stored bytes of one HDF5 dataset in place, as disk damage would (robustness corpus helper).

    h5_damage.py FILE DATASET [BYTE]

BYTE (default 0xff, which makes every float64 a NaN) is written over every byte the dataset occupies in
FILE (contiguous or chunked storage); the HDF5 metadata is left intact. Exits 77 when h5py is missing
(the corpus then skips the case), 2 when the dataset has no stored bytes.
"""
import sys

try:
    import h5py
except ImportError:
    print("h5py is not installed: case skipped", file=sys.stderr)
    sys.exit(77)

path, name = sys.argv[1], sys.argv[2]
byte = int(sys.argv[3], 0) if len(sys.argv) > 3 else 0xFF
with h5py.File(path, "r") as f:
    dset = f[name]
    extents = []
    offset = dset.id.get_offset()
    if offset is not None:
        extents.append((offset, dset.id.get_storage_size()))
    elif dset.chunks is not None:
        for i in range(dset.id.get_num_chunks()):
            info = dset.id.get_chunk_info(i)
            extents.append((info.byte_offset, info.size))
if not extents or not any(size for _, size in extents):
    print(f"{path}:{name}: no stored bytes to damage", file=sys.stderr)
    sys.exit(2)
with open(path, "r+b") as out:
    for offset, size in extents:
        out.seek(offset)
        out.write(bytes([byte]) * size)
