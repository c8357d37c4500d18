"""Embeds for unit websites, fed by the real stream: the SVG banner is plain XML with no script and carries the
live totals; the JSON says the same; both are open to every origin and cacheable for a minute."""
import xml.etree.ElementTree as ET

from app import aggregate_attempts, count_registrations
from tests.streams import events, stream_records

SVG = "{http://www.w3.org/2000/svg}"


def _played(api, contest, local_aws):
    contest.open_round()
    for i, unit_id in enumerate(["dong-hoi-hai-dinh", "dong-hoi-hai-dinh", "so-noi-vu"]):
        token, _ = contest.register(name=f"Người Thi {i}", unit_id=unit_id, category="citizen")
        contest.submit(token, contest.start(token), right=2)
    for table, handler in (("participants", count_registrations), ("attempts", aggregate_attempts)):
        for batch in events(stream_records(local_aws.table_name(table), local_aws.dynamodb_endpoint), 100):
            handler(batch, None)


def test_the_banner_is_script_free_svg_with_the_live_totals(api, contest, local_aws):
    _played(api, contest, local_aws)
    reply = api.get("/api/embed/stats.svg?unit_id=dong-hoi")
    assert reply.status == 200
    headers = api.http.request("GET", "/api/embed/stats.svg", headers={}, body=b"").headers
    assert headers["Content-Type"].startswith("image/svg+xml")
    assert headers["Access-Control-Allow-Origin"] == "*" and "max-age=60" in headers["Cache-Control"]
    root = ET.fromstring(reply.text)
    assert root.tag == f"{SVG}svg"
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert "script" not in tags and "foreignObject" not in tags
    assert not any(name.startswith("on") for element in root.iter() for name in element.attrib)
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "3 người đăng ký · 3 người dự thi · 3 bài thi" in text
    assert "Thành phố Đồng Hới: 2 người dự thi, 2 bài thi" in text     # its commune's people roll up
    assert "Người dân tham gia: 0,0%" in text and "Chưa đạt chỉ tiêu" in text
    assert root.find(f"{SVG}g/{SVG}a").attrib["href"].startswith("https://")


def test_the_json_says_the_same_to_any_origin(api, contest, local_aws):
    _played(api, contest, local_aws)
    reply = api.get("/api/embed/stats.json?unit_id=so-noi-vu&round_id=dot-1")
    assert reply.status == 200
    body = reply.body
    assert (body["registered"], body["participants"], body["submissions"]) == (3, 3, 3)
    assert body["round"] == {"id": "dot-1", "name": "Đợt thi dot-1", "participants": 3, "submissions": 3}
    assert body["unit"]["participants"] == 1 and body["unit"]["headcount"] == 80
    response = api.http.request("GET", "/api/embed/stats.json", headers={}, body=b"")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in api.http.request("GET", "/api/stats", headers={}, body=b"").headers


def test_an_unknown_unit_or_round_is_404(api, contest):
    contest.open_round()
    reply = api.get("/api/embed/stats.svg?unit_id=nowhere")
    assert (reply.status, reply.code) == (404, "unit_not_found")
    assert api.get("/api/embed/stats.json?round_id=dot-9").code == "round_not_found"
    assert api.get(f"/api/embed/stats.json?unit_id={'u' * 100}").code == "unit_not_found"
