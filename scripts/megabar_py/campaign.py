"""Campaign and stage folders: what `megabar campaign` writes (docs/campaign.md).

A campaign's output folder holds one folder per stage, NN-NAME/ (NN counting from 01 in the order of the
campaign file's [[stage]] list), each with stage.toml (the stage's run input), md.log and trajectory.h5 /
trajectory.extxyz once the stage has run.
"""
import math
import os
import re

from . import units

try:
    import tomllib  # Python >= 3.11
except ImportError:  # pragma: no cover
    tomllib = None

STAGE_RE = re.compile(r"^(\d+)-(.+)$")


class CampaignError(Exception):
    """A campaign file or folder that cannot be read; the message names it and what was expected."""


def _quiet(_msg):
    pass


def find_stages(target):
    """Returns (campaign folder, [(index, name, folder)], [names declared but without folder]).

    target is a campaign's output folder or its campaign TOML file (whose [campaign] directory names the
    folder, relative to the file; default: the file's name without .toml)."""
    declared = []
    if os.path.isfile(target):
        if tomllib is None:
            raise CampaignError("reading a campaign file needs Python >= 3.11 (tomllib); give the campaign folder")
        with open(target, "rb") as f:
            try:
                doc = tomllib.load(f)
            except Exception as e:
                raise CampaignError(f"{target}: not a readable campaign TOML file ({e})")
        camp = doc.get("campaign")
        if not isinstance(camp, dict) or "stage" not in doc:
            raise CampaignError(f"{target}: no [campaign] table and [[stage]] list: not a campaign file")
        directory = camp.get("directory") or os.path.splitext(os.path.basename(target))[0]
        folder = directory if os.path.isabs(directory) else os.path.join(os.path.dirname(os.path.abspath(target)), directory)
        declared = [f"{i + 1:02d}-{s.get('name', '')}" for i, s in enumerate(doc["stage"])]
        if not os.path.isdir(folder):
            raise CampaignError(f"{target}: the campaign's output folder {folder} does not exist (has the campaign run?)")
    elif os.path.isdir(target):
        folder = target
    else:
        raise CampaignError(f"{target}: no such file or folder")
    stages = []
    for entry in sorted(os.listdir(folder)):
        m = STAGE_RE.match(entry)
        if m and os.path.isdir(os.path.join(folder, entry)):
            stages.append((int(m.group(1)), m.group(2), os.path.join(folder, entry)))
    stages.sort(key=lambda s: (s[0], s[1]))
    if not stages:
        raise CampaignError(f"{folder}: no stage folders (NN-NAME/) found: give a campaign's output folder "
                            "(the campaign's [campaign] directory) or its campaign.toml")
    present = {os.path.basename(s[2]) for s in stages}
    missing = [d for d in declared if d not in present]
    return os.path.abspath(folder), stages, missing


def trajectory_inputs(folder):
    """The trajectory files of a stage, preferred first."""
    return [p for p in (os.path.join(folder, "trajectory.h5"), os.path.join(folder, "trajectory.extxyz")) if os.path.isfile(p)]


def read_stage_toml(folder):
    """{ensemble, target_pressure_GPa, temperature_K, steps} from the [md] table of folder/stage.toml (None
    where absent, all None without the file or without tomllib)."""
    path = os.path.join(folder, "stage.toml")
    out = {"ensemble": None, "target_pressure_GPa": None, "temperature_K": None, "steps": None}
    if not os.path.isfile(path) or tomllib is None:
        return out
    with open(path, "rb") as f:
        try:
            md = tomllib.load(f).get("md", {})
        except Exception as e:
            raise CampaignError(f"{path}: unreadable TOML ({e})")
    out["ensemble"] = md.get("ensemble")
    if "pressure" in md:
        out["target_pressure_GPa"] = units.parse_quantity(md["pressure"], units.PRESSURE_IN_GPA)
    if "temperature" in md:
        out["temperature_K"] = units.parse_quantity(md["temperature"], units.TEMPERATURE_IN_K)
    out["steps"] = md.get("steps")
    return out


def _series_h5(h5):
    import h5py
    with h5py.File(h5, "r", locking=False) as f:
        obs = f["observables"]
        steps = obs["pressure/step"][:] if "step" in obs["pressure"] else f["particles/all/position/step"][:]
        p = obs["pressure/value"][:]
        t = obs["temperature/value"][:] if "temperature" in obs else [math.nan] * len(p)
        n = min(len(steps), len(p), len(t))
        return ("trajectory.h5 /observables/pressure",
                {int(s): float(v) for s, v in zip(steps[:n], p[:n])},
                {int(s): float(v) for s, v in zip(steps[:n], t[:n])})


def _series_extxyz(xyz):
    pres, temp = {}, {}
    with open(xyz) as f:
        lines = iter(f)
        for line in lines:
            try:
                n = int(line.split()[0])
            except (ValueError, IndexError):
                break
            comment = next(lines, "")
            ms, mp = re.search(r"\bstep=(-?\d+)", comment), re.search(r"\bpressure_GPa=(\S+)", comment)
            mt = re.search(r"\btemperature_K=(\S+)", comment)
            if ms and mp:
                pres[int(ms.group(1))] = float(mp.group(1))
                temp[int(ms.group(1))] = float(mt.group(1)) if mt else math.nan
            for _ in range(n):
                next(lines, None)
    return pres, temp


def _series_md_log(mdlog):
    pres, temp, cols = {}, {}, None
    with open(mdlog) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "step":
                cols = w
                continue
            if cols and w[0].isdigit() and "P_GPa" in cols and len(w) >= len(cols) - 1:
                try:
                    pres[int(w[0])] = float(w[cols.index("P_GPa")])
                    temp[int(w[0])] = float(w[cols.index("T_K")]) if "T_K" in cols else math.nan
                except ValueError:
                    pass
    return pres, temp


def pressure_series(folder, log=_quiet):
    """(source, {step: pressure_GPa}, {step: temperature_K}) of a stage from trajectory.h5, else
    trajectory.extxyz (step= and pressure_GPa= in the comment lines), else md.log (its P_GPa column);
    (None, {}, {}) when none has one. log(message) hears why trajectory.h5 was not read."""
    h5 = os.path.join(folder, "trajectory.h5")
    if os.path.isfile(h5):
        try:
            return _series_h5(h5)
        except Exception as e:  # no h5py, a locked or damaged file: try the text files
            log(f"{h5}: pressure not read ({type(e).__name__}: {e}); trying trajectory.extxyz and md.log")
    xyz = os.path.join(folder, "trajectory.extxyz")
    if os.path.isfile(xyz):
        pres, temp = _series_extxyz(xyz)
        if pres:
            return "trajectory.extxyz pressure_GPa", pres, temp
    mdlog = os.path.join(folder, "md.log")
    if os.path.isfile(mdlog):
        pres, temp = _series_md_log(mdlog)
        if pres:
            return "md.log P_GPa", pres, temp
    return None, {}, {}
