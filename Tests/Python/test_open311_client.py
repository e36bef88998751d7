"""Wangge's Open311 GeoReport v2 endpoint driven by a third-party client, used as published.

`georeport` (PyPI, pinned in requirements.txt) reads services, service definitions and requests
in JSON and XML; it has no call for posting, so posts are made as the specification describes
them (a form-encoded POST with an api_key), with `requests`, which georeport itself uses.
Nothing of the library is patched: its own parsing (`response.json()`, `xmltodict`) must cope.

Run by scripts/python-checks.sh (or scripts/open311-check.sh, this file alone) against a demo server:
    WANGGE_URL=http://127.0.0.1:8080 WANGGE_API_KEY=o311_… pytest Tests/Python
"""

import os
from datetime import datetime, timedelta, timezone

import pytest
import requests
from georeport import GeoReport

BASE = os.environ.get("WANGGE_URL", "").rstrip("/")
API_KEY = os.environ.get("WANGGE_API_KEY", "")
PHONE = "13800001111"

pytestmark = pytest.mark.skipif(not BASE or not API_KEY, reason="set WANGGE_URL and WANGGE_API_KEY (scripts/python-checks.sh does)")


def as_list(value):
    """xmltodict gives a dict for one repeated element and a list for several."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def endpoint():
    """The GeoReport v2 endpoint, found the way a client finds it: through discovery."""
    response = requests.get(f"{BASE}/open311/discovery.json", timeout=10)
    response.raise_for_status()
    endpoints = response.json()["endpoints"]
    v2 = [e for e in endpoints if e["specification"].endswith("GeoReport_v2")]
    assert v2 and "application/json" in v2[0]["formats"] and "text/xml" in v2[0]["formats"]
    return v2[0]["url"]


@pytest.fixture(scope="module")
def client(endpoint):
    return GeoReport(endpoint, jurisdiction="wangge", api_key=API_KEY)


@pytest.fixture(scope="module")
def xml_client(endpoint):
    return GeoReport(endpoint, jurisdiction="wangge", api_key=API_KEY, output_format="xml")


@pytest.fixture(scope="module")
def service(client):
    services = client.get_service_list()
    return next(s for s in services if s["service_code"] == "city_appearance.exposed_garbage")


def post(endpoint, fmt="json", **fields):
    form = {"api_key": API_KEY, "jurisdiction_id": "wangge", **fields}
    return requests.post(f"{endpoint}/requests.{fmt}", data=form, timeout=10)


@pytest.fixture(scope="module")
def posted(endpoint, service):
    response = post(endpoint, service_code=service["service_code"], address_string="人民路与建设路交叉口东北角",
                    description=f"路口垃圾堆积三天无人清运，联系电话{PHONE}", first_name="三", last_name="张",
                    phone=PHONE, email="zhang@example.com", device_id="pytest")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert len(answer) == 1 and answer[0]["service_request_id"]
    assert answer[0]["service_notice"]
    return answer[0]["service_request_id"]


def test_services_in_both_formats(client, xml_client, service):
    services = client.get_service_list()
    assert len(services) > 20
    assert service["service_name"] == "暴露垃圾" and service["group"] == "市容环境"
    assert service["metadata"] is False and service["type"] == "realtime"
    xml_services = xml_client.get_service_list()
    assert [s["service_code"] for s in xml_services] == [s["service_code"] for s in services]
    assert next(s for s in xml_services if s["service_code"] == service["service_code"])["metadata"] == "false"


def test_service_definition(client, xml_client, service):
    definition = client.get_service_definition(service["service_code"])
    assert definition == {"service_code": service["service_code"], "attributes": []}
    xml_definition = xml_client.get_service_definition(service["service_code"])
    assert xml_definition["service_code"] == service["service_code"] and not xml_definition["attributes"]
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_definition("no.such.service")
    assert refused.value.response.status_code == 404
    assert refused.value.response.json()[0]["code"] == 404


def test_posted_request_comes_back(client, xml_client, service, posted):
    request = client.get_service_request(posted)
    assert request["service_request_id"] == posted
    assert request["service_code"] == service["service_code"]
    assert request["status"] == "open"
    assert request["agency_responsible"] == "环卫"
    expected = datetime.fromisoformat(request["expected_datetime"])
    requested = datetime.fromisoformat(request["requested_datetime"])
    assert expected.utcoffset() == timedelta(hours=8)
    assert expected - requested >= timedelta(hours=23), "resolve within 24 h: the deadline lies a day ahead"
    assert request["address"].startswith("人民路")
    xml_request = xml_client.get_service_request(posted)
    assert xml_request["service_request_id"] == posted
    assert xml_request["expected_datetime"] == request["expected_datetime"]
    assert xml_request["agency_responsible"] == "环卫"


def test_filters(client, xml_client, service, posted):
    now = datetime.now(timezone.utc)
    w3c = "%Y-%m-%dT%H:%M:%SZ"
    ids = lambda found: {r["service_request_id"] for r in found}
    assert ids(client.get_service_requests(service_request_id=posted)) == {posted}
    assert posted in ids(client.get_service_requests(service_code=service["service_code"], status="open"))
    assert posted in ids(client.get_service_requests(status="open,closed"))
    assert posted not in ids(client.get_service_requests(status="closed"))
    assert posted not in ids(client.get_service_requests(service_code="advertising.illegal_flyer"))
    assert posted in ids(client.get_service_requests(start_date=(now - timedelta(hours=1)).strftime(w3c),
                                                     end_date=(now + timedelta(hours=1)).strftime(w3c)))
    assert posted not in ids(client.get_service_requests(end_date=(now - timedelta(days=1)).strftime(w3c)))
    xml_found = as_list(xml_client.get_service_requests(service_request_id=posted))
    assert [r["service_request_id"] for r in xml_found] == [posted]
    assert posted in ids(as_list(xml_client.get_service_requests(status="open")))


def test_reporter_never_shown(client, xml_client, posted):
    shown = repr(client.get_service_requests(service_request_id=posted)) + repr(client.get_service_request(posted)) \
        + repr(xml_client.get_service_request(posted)) + repr(client.get_service_requests())
    assert posted in shown
    for private in (PHONE, "张三", "zhang@example.com"):
        assert private not in shown


def test_refusals_use_open311_error_bodies(endpoint, service):
    no_key = requests.post(f"{endpoint}/requests.json", data={"service_code": service["service_code"], "address_string": "人民路"}, timeout=10)
    assert no_key.status_code == 403 and no_key.json()[0]["code"] == 403
    bad_point = post(endpoint, "xml", service_code=service["service_code"], lat="91", long="116.4", description="x")
    assert bad_point.status_code == 400
    assert "<errors><error><code>400</code>" in bad_point.text
    unknown = post(endpoint, service_code="no_such_service", address_string="人民路", description="x")
    assert unknown.status_code == 400 and "no_such_service" in unknown.json()[0]["description"]
