"""megabar_py.runs: the median of repeated timings and the CPU model a benchmark names."""
from megabar_py import runs


def test_median_of_odd_and_even_counts_and_none():
    assert runs.median([3.0, 1.0, 2.0]) == 2.0
    assert runs.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert runs.median([5.0, None, 1.0]) == 3.0  # a failed run (None) is left out
    assert runs.median([]) is None


def test_cpu_model_names_the_processor_and_its_count():
    text = runs.cpu_model()
    assert text.endswith("logical CPUs)") and len(text) > len(" (2 logical CPUs)")
    cpuinfo = open("/proc/cpuinfo").read()
    if "model name" in cpuinfo:
        name = cpuinfo.split("model name", 1)[1].split(":", 1)[1].splitlines()[0].strip()
        assert text.startswith(name)


def test_md_row_reads_a_log_line():
    row = runs.md_row("       3      1.500    -320.1234567890     0.10000000    -320.0234567890   1.0e-06"
                      "   1500.00    10.000   200.0000    5    8.50   1m00s")
    assert row["step"] == 3 and row["scf"] == 5 and row["s_step"] == 8.5
    assert runs.md_row("# step time_fs") is None
