"""Convert one CP2K-format GTH block into the ABINIT pspcod-10 layout that pw.x reads (.gth files).

usage: cp2k_to_qe_gth.py CP2K_GTH_FILE > X.gth

The CP2K block (Krack 2005 parameters, as in inputs/pseudopotentials/*.gth):
    EL NAME [ALIASES]
    n_s n_p [n_d ...]                 valence electrons per shell -> zion
    rloc nloc c1 .. c_nloc            local part
    nnonloc                           number of projector channels l = 0 .. nnonloc-1
    r_l nprj_l h11 h12 h13            per channel, upper triangle of h continued on
           h22 h23                    the following lines
               h33
Layout written (as ../../../../shared/reference/qe/B.gth):
    title
    zatom zion pspdat
    10 pspxc lmax lloc mmax r2well    pspxc: 11 = PBE, 1 = Teter/Goedecker PADE LDA
    rloc nloc c1 .. c_nloc
    nnonloc
    r_l nprj_l h11 ..  (+ h22.. lines, + k_ij lines of zeros for l >= 1: no spin-orbit)
How pw.x 6.7 (upflib m_gth.f90, readgth) maps pspxc: 1 -> 'PZ' (Slater + Perdew-Zunger 81),
7 -> 'PW', 11 -> 'PBE', 18 -> 'BLYP'; anything else is an error.
"""
import sys

Z = {"H": 1, "He": 2, "Li": 3, "Be": 4, "B": 5, "C": 6, "N": 7, "O": 8, "F": 9, "Ne": 10}
NAMES = {"B": "Boron", "O": "Oxygen"}


def main(path):
    lines = [l for l in open(path).read().splitlines() if l.strip() and not l.lstrip().startswith("#")]
    head = lines[0].split()
    el, name = head[0], head[1]
    functional = name.split("-")[1].upper()
    pspxc = {"PBE": 11, "PADE": 1, "LDA": 1}[functional]
    zion = sum(int(x) for x in lines[1].split())
    t = lines[2].split()
    rloc, nloc, cc = t[0], int(t[1]), t[2:2 + int(t[1])]
    nnonloc = int(lines[3].split()[0])
    pos = 4
    channels = []
    for l in range(nnonloc):
        t = lines[pos].split(); pos += 1
        r, nprj, row = t[0], int(t[1]), t[2:]
        h = [row]
        for i in range(1, nprj):
            h.append(lines[pos].split()); pos += 1
        channels.append((r, nprj, h))
    q = name.split("-q")[-1]
    out = [f"{NAMES.get(el, el)} GTH-{functional}-q{q} (Krack), ABINIT pspcod 10 layout",
           f"{Z[el]} {zion} 010101 zatom,zion,pspdat",
           f"10 {pspxc} {nnonloc - 1} 0 2001 0 pspcod,pspxc,lmax,lloc,mmax,r2well",
           f"{rloc} {nloc} {' '.join(cc)} rloc,nloc,c1,c2",
           f"{nnonloc} nnonloc"]
    for l, (r, nprj, h) in enumerate(channels):
        out.append(" ".join([r, str(nprj)] + h[0]) if nprj else f"{r} 0")
        for row in h[1:]:
            out.append(" ".join(row))
        if l >= 1:
            for i in range(nprj):
                out.append(" ".join(["0.0"] * (nprj - i)))
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
