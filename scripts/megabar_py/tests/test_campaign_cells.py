"""Campaign discovery on a temporary folder; ASE-based cells against known crystal facts."""
import math
import os

import numpy as np
import pytest

from megabar_py import campaign, cells

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def make_campaign(tmp_path):
    out = tmp_path / "camp"
    for d in ("01-melt", "02-compress", "10-late", "notastage", "03-x"):
        (out / d).mkdir(parents=True)
    (out / "README").write_text("x")
    (out / "01-melt" / "stage.toml").write_text("[md]\nensemble = 'nvt'\ntemperature = '3000 K'\nsteps = 20\n")
    (out / "02-compress" / "stage.toml").write_text("[md]\nensemble = 'npt'\npressure = '0.5 Mbar'\n")
    (out / "01-melt" / "trajectory.extxyz").write_text(
        "1\nLattice=\"5 0 0 0 5 0 0 0 5\" step=0 pressure_GPa=1.5 temperature_K=2900\nB 0 0 0\n"
        "1\nLattice=\"5 0 0 0 5 0 0 0 5\" step=10 pressure_GPa=2.5\nB 0 0 0\n")
    (out / "02-compress" / "md.log").write_text(
        "# log\n    step time_fs E_pot_Ha E_kin_Ha E_conserved_Ha drift_Ha/at T_K P_GPa V_A^3 scf s/step ETA\n"
        "       0 0.0 -1 0.1 -0.9 0 300.0 48.0 100 5 1.0 -\n"
        "       5 2.5 -1 0.1 -0.9 0 310.0 49.0 100 5 1.0 -\n")
    return out


def test_find_stages_in_folder(tmp_path):
    out = make_campaign(tmp_path)
    folder, stages, missing = campaign.find_stages(str(out))
    assert folder == str(out)
    assert [(i, n) for i, n, _ in stages] == [(1, "melt"), (2, "compress"), (3, "x"), (10, "late")]
    assert missing == []


def test_find_stages_from_campaign_file(tmp_path):
    out = make_campaign(tmp_path)
    toml = tmp_path / "c.toml"
    toml.write_text("[campaign]\ndirectory = 'camp'\n[[stage]]\nname = 'melt'\n[[stage]]\nname = 'compress'\n"
                    "[[stage]]\nname = 'quench'\n")
    folder, stages, missing = campaign.find_stages(str(toml))
    assert folder == str(out) and len(stages) == 4 and missing == ["03-quench"]


def test_find_stages_errors(tmp_path):
    with pytest.raises(campaign.CampaignError, match="no such file or folder"):
        campaign.find_stages(str(tmp_path / "nothing"))
    with pytest.raises(campaign.CampaignError, match="no stage folders"):
        campaign.find_stages(str(tmp_path))
    bad = tmp_path / "bad.toml"
    bad.write_text("[campaign]\n")
    with pytest.raises(campaign.CampaignError, match="not a campaign file"):
        campaign.find_stages(str(bad))
    gone = tmp_path / "gone.toml"
    gone.write_text("[campaign]\n[[stage]]\nname = 'a'\n")
    with pytest.raises(campaign.CampaignError, match="does not exist"):
        campaign.find_stages(str(gone))


def test_stage_toml_and_pressures(tmp_path):
    out = make_campaign(tmp_path)
    melt = campaign.read_stage_toml(str(out / "01-melt"))
    assert melt == {"ensemble": "nvt", "target_pressure_GPa": None, "temperature_K": 3000.0, "steps": 20}
    assert campaign.read_stage_toml(str(out / "02-compress"))["target_pressure_GPa"] == 50.0
    assert campaign.read_stage_toml(str(out / "10-late"))["ensemble"] is None
    src, p, t = campaign.pressure_series(str(out / "01-melt"))
    assert src == "trajectory.extxyz pressure_GPa" and p == {0: 1.5, 10: 2.5}
    assert t[0] == 2900.0 and math.isnan(t[10])
    src, p, t = campaign.pressure_series(str(out / "02-compress"))
    assert src == "md.log P_GPa" and p == {0: 48.0, 5: 49.0} and t == {0: 300.0, 5: 310.0}
    assert campaign.pressure_series(str(out / "10-late")) == (None, {}, {})
    assert campaign.trajectory_inputs(str(out / "01-melt")) == [str(out / "01-melt" / "trajectory.extxyz")]


def test_unreadable_h5_falls_back(tmp_path):
    out = make_campaign(tmp_path)
    (out / "01-melt" / "trajectory.h5").write_text("not HDF5")
    heard = []
    src, p, _ = campaign.pressure_series(str(out / "01-melt"), heard.append)
    assert src == "trajectory.extxyz pressure_GPa" and len(heard) == 1 and "pressure not read" in heard[0]


B2O3_I = os.path.join(ROOT, "inputs", "b2o3-I", "cell.extxyz")


def test_read_extxyz_b2o3():
    lat, sym, frac = cells.read_extxyz(B2O3_I)
    assert sorted(sym).count("B") == 6 and len(sym) == 15
    assert ((frac >= 0) & (frac < 1)).all()
    assert cells.density_g_cm3(lat, sym, {"B": 10.81, "O": 15.999}) == pytest.approx(2.537, abs=0.002)


def test_read_cif_applies_symmetry(tmp_path):
    cif = tmp_path / "nacl.cif"
    cif.write_text("data_nacl\n_cell_length_a 5.64\n_cell_length_b 5.64\n_cell_length_c 5.64\n"
                   "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
                   "_symmetry_space_group_name_H-M 'F m -3 m'\n_symmetry_Int_Tables_number 225\n"
                   "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
                   "_atom_site_fract_z\nNa1 Na 0 0 0\nCl1 Cl 0.5 0.5 0.5\n")
    lat, sym, frac = cells.read_cif(str(cif))
    assert sym.count("Na") == 4 and sym.count("Cl") == 4
    assert np.allclose(lat, np.diag([5.64] * 3))


@pytest.mark.parametrize("P", [np.diag([2, 2, 2]), np.array([[1, 0, 0], [1, 2, 0], [0, 0, 1]]),
                               np.array([[2, 1, 0], [0, 1, 0], [0, 0, 1]])])
def test_supercell_keeps_density_and_groups_species(P):
    lat, sym, frac = cells.read_extxyz(B2O3_I)
    lat2, sym2, frac2 = cells.supercell(lat, sym, frac, P)
    n = int(round(np.linalg.det(P)))
    assert len(sym2) == n * len(sym)
    assert np.allclose(lat2, P @ lat)
    assert sym2 == sorted(sym2, key=["B", "O"].index)
    assert ((frac2 >= 0) & (frac2 < 1)).all()
    masses = {"B": 10.81, "O": 15.999}
    assert cells.density_g_cm3(lat2, sym2, masses) == pytest.approx(cells.density_g_cm3(lat, sym, masses), rel=1e-12)
    # no two atoms on top of each other
    cart = frac2 @ lat2
    d = frac2[:, None, :] - frac2[None, :, :]
    d -= np.round(d)
    dist = np.linalg.norm(d @ lat2, axis=2) + np.eye(len(cart)) * 10
    assert dist.min() > 1.3


def test_supercell_rejects_singular():
    lat, sym, frac = cells.read_extxyz(B2O3_I)
    with pytest.raises(ValueError, match="positive determinant"):
        cells.supercell(lat, sym, frac, np.diag([1, 0, 1]))
