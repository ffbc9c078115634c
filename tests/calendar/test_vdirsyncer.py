"""vdirsyncer (PyPI, a real client run as a subprocess) syncing one own calendar both ways with a
local folder: the first run copies, a second run changes nothing, and a change on either side
reaches the other."""

import subprocess
import sys
from pathlib import Path

import requests
from lxml import etree

from tests.support.calendar import weekly_event

VDIRSYNCER = Path(sys.executable).parent / "vdirsyncer"
CAL = "/dav/calendars/lena/lobeda/"


def write_config(tmp_path, live, people) -> Path:
    config = tmp_path / "config"
    config.write_text(f"""[general]
status_path = "{tmp_path}/status/"

[pair kalender]
a = "ordner"
b = "treffpunkt"
collections = null
conflict_resolution = "b wins"

[storage ordner]
type = "filesystem"
path = "{tmp_path}/ordner/"
fileext = ".ics"

[storage treffpunkt]
type = "caldav"
url = "{live.url}{CAL}"
username = "lena"
password = "{people["lena"]["app_password"]}"
""")
    (tmp_path / "ordner").mkdir()
    return config


def vdirsyncer(config: Path, *args: str) -> str:
    result = subprocess.run(
        [str(VDIRSYNCER), "--verbosity", "INFO", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def actions(output: str) -> list[str]:
    """The lines where vdirsyncer copies, updates or deletes an item. (0.21.0 also warns "Deleting
    an item with no etag." when it does send If-Match: an inverted check in its code.)"""
    return [line for line in output.splitlines() if line.startswith(("Copying", "Updating", "Deleting"))]


def server_items(live, people) -> dict[str, str]:
    body = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
    response = requests.request(
        "PROPFIND",
        live.url + CAL,
        data=body,
        headers={"Depth": "1"},
        auth=("lena", people["lena"]["app_password"]),
        timeout=10,
    )
    tree = etree.fromstring(response.content)
    return {
        r.findtext("{DAV:}href"): r.findtext(".//{DAV:}getetag")
        for r in tree.findall("{DAV:}response")
        if r.findtext("{DAV:}href") != CAL
    }


def test_two_way_sync_with_a_folder(live, people, store, tmp_path):
    with store() as s:
        cal = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")
        s.put(cal.id, "gym.ics", weekly_event("gym", "Seniorengymnastik"))
    folder = tmp_path / "ordner"
    config = write_config(tmp_path, live, people)
    vdirsyncer(config, "discover")
    first = vdirsyncer(config, "sync")
    assert len(actions(first)) == 1, first
    [local] = list(folder.glob("*.ics"))
    assert "UID:gym" in local.read_text()

    before = server_items(live, people)
    second = vdirsyncer(config, "sync")
    assert actions(second) == [], second
    assert server_items(live, people) == before and len(list(folder.glob("*.ics"))) == 1

    # a new event in the folder is uploaded; a change on the server comes down
    (folder / "kino.ics").write_bytes(weekly_event("kino", "Familienkino", ("Kultur",), "Familien"))
    changed = weekly_event("gym", "Seniorengymnastik im Saal")
    response = requests.put(
        live.url + CAL + "gym.ics",
        data=changed,
        auth=("lena", people["lena"]["app_password"]),
        headers={"Content-Type": "text/calendar", "If-Match": before[CAL + "gym.ics"]},
        timeout=10,
    )
    assert response.status_code == 204
    third = vdirsyncer(config, "sync")
    assert len(actions(third)) == 2, third
    assert "Seniorengymnastik im Saal" in local.read_text()
    uploaded = [href for href in server_items(live, people) if href != CAL + "gym.ics"]
    assert len(uploaded) == 1
    got = requests.get(live.url + uploaded[0], auth=("lena", people["lena"]["app_password"]), timeout=10)
    assert "UID:kino" in got.text and "Familienkino" in got.text

    # a deletion in the folder deletes on the server; then all is quiet again
    local.unlink()
    fourth = vdirsyncer(config, "sync")
    assert len(actions(fourth)) == 1, fourth
    assert list(server_items(live, people)) == uploaded
    assert actions(vdirsyncer(config, "sync")) == []
