"""The data-quality commands as a user runs them: ``crm import contacts``, ``crm doctor``, and
what ``crm load`` says before it writes into a graph that holds records already."""

import json
from pathlib import Path

from crm.config import Settings
from graph_loader.datasets import INTRANET
from graph_loader.synthetic import write_dataset
from tests.e2e.test_cli import crm
from tests.synthetic_specs import TINY

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
OUTLOOK = FIXTURES / "contacts" / "outlook-contacts.csv"
MAPPING = ROOT / "graph_loader" / "contacts" / "mappings" / "outlook.yaml"


def test_an_outlook_import_then_a_clean_doctor(settings: Settings) -> None:
    data_dir = str(settings.data_dir)
    assert (
        crm("load", str(FIXTURES / "contacts-graph.yaml"), "--data-dir", data_dir).returncode == 0
    )

    refused = crm(
        "import", "contacts", str(OUTLOOK), "--mapping", str(MAPPING), "--data-dir", data_dir
    )
    imported = crm(
        "import", "contacts", str(OUTLOOK), "--mapping", str(MAPPING),
        "--consent", "legitimate-interest", "--consent-date", "2026-12-01",
        "--match", "email", "--data-dir", data_dir,
    )  # fmt: skip
    doctor = crm("doctor", "--json", "--data-dir", data_dir)

    assert refused.returncode == 1
    assert "outlook-contacts.csv:2 row 2, field 'consent': no lawful basis" in refused.stderr
    assert "nothing was written" in refused.stderr
    assert imported.returncode == 0, imported.stderr
    assert "matches Person 'p-juergen-gross' in the graph" in imported.stderr
    assert "'Grenzwerk GmbH' is Organization 'org-grenzwerk' in the graph" in imported.stderr
    assert (doctor.returncode, json.loads(doctor.stdout)) == (0, [])


def test_the_doctor_reports_findings_with_exit_code_1(settings: Settings) -> None:
    data_dir = str(settings.data_dir)
    text = "nodes:\n  Topic:\n    - {id: topic-alone, name: Alone, labels: {de: Allein}}\n"
    path = settings.data_dir.parent / "alone.yaml"
    path.write_text(text, encoding="utf-8")
    assert crm("load", str(path), "--data-dir", data_dir).returncode == 0

    table = crm("doctor", "--data-dir", data_dir)
    data = crm("doctor", "--json", "--data-dir", data_dir)

    assert table.returncode == 1
    assert "Records without" in table.stdout
    assert [finding["code"] for finding in json.loads(data.stdout)] == [
        "orphan-records",
        "text-in-one-language",
    ]


def test_a_load_into_a_graph_says_what_it_touches_and_what_it_matches(
    settings: Settings, tmp_path: Path
) -> None:
    data_dir = str(settings.data_dir)
    assert (
        crm("load", str(FIXTURES / "contacts-graph.yaml"), "--data-dir", data_dir).returncode == 0
    )
    incoming = tmp_path / "incoming.yaml"
    incoming.write_text(
        "nodes:\n  Organization:\n"
        "    - {id: org-new, name: Grenzwerk AG, kind: company, country: DE}\n"
        "    - {id: org-other, name: Anderswo GmbH, kind: company, country: DE}\n",
        encoding="utf-8",
    )

    refused = crm("load", str(incoming), "--data-dir", data_dir)
    dry = crm("load", str(incoming), "--match", "name", "--dry-run", "--data-dir", data_dir)
    wrong = crm("load", str(incoming), "--match", "names", "--data-dir", data_dir)

    assert refused.returncode == 1
    assert "has the same name and country as Organization 'org-grenzwerk'" in refused.stderr
    assert dry.returncode == 0, dry.stderr
    assert "Organization 'org-new' matches 'org-grenzwerk' in the graph" in dry.stderr
    assert "1 records are new and 1 stored ones are updated" in dry.stderr
    assert "nothing was written (dry run)" in dry.stderr
    assert wrong.returncode == 2
    assert "'names' is not a key to match by" in wrong.stderr


def test_a_generated_network_loaded_beside_the_demo_touches_no_demo_record(
    settings: Settings, tmp_path: Path
) -> None:
    data_dir = str(settings.data_dir)
    dataset = write_dataset(TINY, tmp_path / "tiny", seed=5).path
    assert crm("load", str(INTRANET), "--data-dir", data_dir).returncode == 0

    loaded = crm("load", str(dataset), "--data-dir", data_dir)
    stats = json.loads(crm("stats", "--json", "--data-dir", data_dir).stdout)

    assert loaded.returncode == 0, loaded.stderr
    assert "The graph holds records already: of this input," in loaded.stderr
    assert " 0 stored ones are updated" in loaded.stderr
    assert stats["nodes"]["Sector"] == 5 + 8  # the demo's five and the generator's eight
    assert stats["nodes"]["Person"] == 172 + TINY.people
