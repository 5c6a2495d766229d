"""`etablera check-governance`: text and JSON output, the body filter and the exit codes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.audits.factories import make_mandate
from tests.governance import builders as b


def check(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check-governance", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def test_json_is_a_list_of_findings_with_code_severity_object_and_message(ks, sn):
    make_mandate(ks, title="Utan uppföljning", follow_up_body=None)
    b.commissioned(sn, ks, with_decision=False, title="Utan beslut")
    code, out = check("--format", "json")
    assert code == 0
    data = json.loads(out)
    assert isinstance(data, list)
    by_code = {item["code"]: item for item in data}
    assert {"GOV-01", "GOV-02"} <= set(by_code)
    first = by_code["GOV-02"]
    assert {"code", "severity", "object", "message"} <= set(first)
    assert first["severity"] == "error"
    assert first["object"]["label"] == "Utan beslut"
    assert first["object"]["type"] == "mandates.mandate"
    assert first["message"] == "Uppdraget ”Utan beslut” är beställt av KS men saknar beslut."


def test_text_lists_one_finding_a_line(ks):
    make_mandate(ks, title="Utan uppföljning", follow_up_body=None)
    code, out = check()
    assert code == 0
    assert "GOV-01  warning  Uppdraget ”Utan uppföljning” har ingen uppföljningsansvarig." in out


def test_no_findings_exit_zero_even_with_fail_on(db):
    assert check("--fail-on", "warning", "--format", "json") == (0, "[]\n")


def test_fail_on_error_ignores_warnings(ks):
    make_mandate(ks, title="Utan uppföljning", follow_up_body=None)  # a warning
    assert check("--fail-on", "error")[0] == 0
    assert check("--fail-on", "warning")[0] == 1


def test_fail_on_warning_fails_on_errors_too(ks, sn):
    b.commissioned(sn, ks, with_decision=False)  # an error
    assert check("--fail-on", "warning")[0] == 1
    assert check("--fail-on", "error")[0] == 1
    assert check()[0] == 0


def test_body_filter(ks, sn):
    make_mandate(ks, title="KS-uppdrag", follow_up_body=None)
    make_mandate(sn, title="SN-uppdrag", follow_up_body=None)
    _, out = check("--body", str(sn.pk), "--format", "json")
    assert [item["object"]["label"] for item in json.loads(out)] == ["SN-uppdrag"]


def test_unknown_body_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("check-governance", "--body", "999999", stdout=io.StringIO())
