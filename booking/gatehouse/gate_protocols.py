"""What the plate cameras send and what they are answered, as plain data.

Vzenith (臻识) cameras post JSON `{"AlarmInfoPlate": {...}}` for each plate
and form posts (multipart or urlencoded) as heartbeats; the reply to both is a
`Response_AlarmInfoPlate` (Vzenith's HTTP push protocol, "业务处理": the
camera acts on that one object whether it answers a plate or a comet poll):
info ok/no opens or not, content retransfer_stop so the camera stops
resending, the plateid, ContinuePushOffline for a replayed event so that the
camera sends the next one, optional LED text in serialData and optional
whitelist operations. Hikvision cameras post a multipart body whose part
`anpr.xml` is an ISAPI EventNotificationAlert, and are answered a plain 200;
the desk opens their gate itself (booking/gatehouse/gate_camera.py). docs/gates.md,
"The vendors' field names", says where each name was checked.

Every parser here raises `BadEvent` for anything it cannot read: the server
answers it 400 and logs the reason, never a traceback. XML with a DTD or
entities is refused before it is parsed (no entity expansion, no external
fetches), as defusedxml would.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qs

from booking.store import clock
from booking.gatehouse.gates import Decision, PlateRead, WhitelistEntry

REPLAY_SECONDS = 120     # a Hikvision event older than this when it arrives is a replay after an outage
MAX_PHOTO = 2_000_000    # bytes of one photo kept with the event
SECONDS_FMT = "%Y-%m-%d %H:%M:%S"
_SAFE_KEY = re.compile(r"[0-9A-Za-z_.:\-]{1,64}")


class BadEvent(ValueError):
    """A camera's body the desk cannot read; its message is for the log."""


@dataclass(frozen=True)
class Heartbeat:
    camera: str
    address: str | None = None     # the ipaddr the heartbeat names, if it names one


# --- Vzenith ------------------------------------------------------------------------

def _address(value: Any) -> str | None:
    """The address a body says its camera has (checked against the socket's peer by the server)."""
    text = str(value).strip()[:64] if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return text or None


def _camera_id(value: Any, what: str) -> str:
    text = str(value if value is not None else "").strip()
    if not _SAFE_KEY.fullmatch(text):
        raise BadEvent(f"{what} missing or not a serial: {text[:40]!r}")
    return text


def _local(seconds: Any) -> datetime | None:
    try:
        value = int(seconds)
        return datetime.fromtimestamp(value, clock.TZ).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _photo(text: Any) -> bytes | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        data = base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        return None
    return data if 0 < len(data) <= MAX_PHOTO else None


def _form(body: bytes, content_type: str) -> dict[str, str]:
    """The fields of a form post, multipart/form-data (as Vzenith cameras send their heartbeats) or urlencoded."""
    if content_type.lower().startswith("multipart/"):
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
        message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
        if not message.is_multipart():
            raise BadEvent("heartbeat form without parts")
        fields: dict[str, str] = {}
        for part in list(message.iter_parts())[:50]:
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str) and name not in fields:
                payload = part.get_payload(decode=True) or b""
                fields[name] = payload.decode("utf-8", "replace").strip()
        return fields
    try:
        form = parse_qs(body.decode("utf-8"), strict_parsing=False, max_num_fields=50)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadEvent(f"heartbeat form unreadable: {exc}") from None
    return {key: values[0] for key, values in form.items() if values}


def parse_vzenith(body: bytes, content_type: str, now: datetime) -> PlateRead | Heartbeat:
    """A Vzenith post: a plate (JSON AlarmInfoPlate) or a heartbeat (a form post)."""
    kind = (content_type or "").lower()
    if "application/x-www-form-urlencoded" in kind or kind.startswith("multipart/form-data"):
        form = _form(body, content_type)
        return Heartbeat(_camera_id(form.get("serialno", ""), "heartbeat serialno"), _address(form.get("ipaddr")))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadEvent(f"not JSON: {str(exc)[:80]}") from None
    if not isinstance(data, dict):
        raise BadEvent("JSON is not an object")
    if "heartbeat" in data or "Heartbeat" in data:
        beat = data.get("heartbeat") or data.get("Heartbeat")
        if isinstance(beat, dict):
            return Heartbeat(_camera_id(beat.get("serialno"), "heartbeat serialno"), _address(beat.get("ipaddr")))
    alarm = data.get("AlarmInfoPlate")
    if not isinstance(alarm, dict):
        raise BadEvent("no AlarmInfoPlate object")
    camera = _camera_id(alarm.get("serialno"), "serialno")
    result = alarm.get("result")
    plate = result.get("PlateResult") if isinstance(result, dict) else None
    if not isinstance(plate, dict):
        raise BadEvent("no result.PlateResult object")
    license_ = plate.get("license")
    plateid = plate.get("plateid")
    if not isinstance(license_, str) or isinstance(plateid, bool) or not isinstance(plateid, (int, str)):
        raise BadEvent("PlateResult lacks license or plateid")
    key = _camera_id(plateid, "plateid")
    stamp = plate.get("timeStamp")
    seconds = stamp.get("Timeval", {}).get("sec") if isinstance(stamp, dict) and isinstance(
        stamp.get("Timeval"), dict) else None
    at = _local(seconds) or now
    confidence = plate.get("confidence")
    color = plate.get("colorType")
    # A lone surrogate (JSON can carry one) is written out, so that logs and the store can take it.
    text = license_[:40].encode("utf-8", "backslashreplace").decode("utf-8")
    return PlateRead(camera=camera, key=key, text=text, at=at,
                     confidence=confidence if isinstance(confidence, int) and not isinstance(confidence, bool)
                     else None,
                     color=color if isinstance(color, int) and not isinstance(color, bool) else None,
                     offline=plate.get("isoffline") in (1, "1", True), photo=_photo(plate.get("imageFile")),
                     address=_address(alarm.get("ipaddr")))


def led_data(text: str) -> list[dict[str, Any]]:
    """The LED line as Vzenith serialData: the text's GB2312 bytes, base64, on the first serial channel."""
    raw = text.encode("gb2312", "replace")
    return [{"serialChannel": 0, "data": base64.b64encode(raw).decode("ascii"), "dataLen": len(raw)}]


def whitelist_operate(adds: list[WhitelistEntry], deletes: list[str]) -> dict[str, Any] | None:
    """One Vzenith white_list_operate: deletions first (operate_type 1), else additions (0)."""
    if deletes:
        return {"operate_type": 1, "white_list_data": [
            {"plate": p, "enable": 0, "need_alarm": 0, "enable_time": "", "overdue_time": ""} for p in deletes]}
    if adds:
        return {"operate_type": 0, "white_list_data": [
            {"plate": e.plate, "enable": 1, "need_alarm": 0, "enable_time": e.enable_at.strftime(SECONDS_FMT),
             "overdue_time": e.overdue_at.strftime(SECONDS_FMT)} for e in adds]}
    return None


def vzenith_reply(plateid: str, decision: Decision, operate: dict[str, Any] | None = None,
                  offline: bool = False) -> dict[str, Any]:
    """The answer to one plate: ok opens, no keeps shut; retransfer_stop always (or it is resent).

    A replayed (offline) event is answered with ContinuePushOffline, continue 1:
    the camera sends its next stored event only after that answer.
    """
    plate_id: Any = int(plateid) if plateid.isdigit() else plateid
    body: dict[str, Any] = {"info": "ok" if decision.opened else "no", "content": "retransfer_stop",
                            "plateid": plate_id, "serialData": led_data(decision.led)}
    if offline:
        body["ContinuePushOffline"] = {"plateid": plate_id, "continue": 1}
    if operate:
        body["white_list_operate"] = operate
    return {"Response_AlarmInfoPlate": body}


def heartbeat_reply(open_gate: bool, operate: dict[str, Any] | None = None) -> dict[str, Any]:
    """The answer to a heartbeat (comet poll): info ok opens, for a car a clerk let in by hand; whitelist news.

    It is the same Response_AlarmInfoPlate a plate is answered with: a camera
    in comet-polling mode acts on it (a camera sending plain heartbeats ignores
    every reply, so the gates are set to comet polling, docs/gates.md).
    """
    body: dict[str, Any] = {"info": "ok" if open_gate else "no"}
    if operate:
        body["white_list_operate"] = operate
    return {"Response_AlarmInfoPlate": body}


def heartbeat_has_news(reply: dict[str, Any]) -> bool:
    """Does a heartbeat reply carry anything (an opening or whitelist news)? An empty one may wait."""
    body = reply.get("Response_AlarmInfoPlate") or {}
    return body.get("info") == "ok" or bool(body.get("white_list_operate"))


# --- Hikvision ------------------------------------------------------------------------

def safe_xml(data: bytes) -> ET.Element:
    """Parse XML that has no DTD and no entity declarations (refused before parsing)."""
    head = data.lower()
    if b"<!doctype" in head or b"<!entity" in head:
        raise BadEvent("XML with a DTD or entities is refused")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise BadEvent(f"malformed XML: {exc}") from None


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: ET.Element | None, name: str) -> ET.Element | None:
    if node is None:
        return None
    return next((c for c in node if _local_name(c.tag) == name), None)


def _text(node: ET.Element | None, name: str) -> str | None:
    found = _child(node, name)
    return found.text.strip() if found is not None and found.text else None


def _hik_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(clock.TZ).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _parts(body: bytes, content_type: str) -> tuple[bytes, bytes | None]:
    """(anpr XML, first JPEG or None) from a multipart body, or the body itself if it is XML."""
    if not content_type.lower().startswith("multipart/"):
        return body, None
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise BadEvent("multipart body without parts")
    xml_part: bytes | None = None
    photo: bytes | None = None
    for part in message.iter_parts():
        kind = part.get_content_type()
        name = (part.get_filename() or part.get_param("name", header="content-disposition") or "")
        payload = part.get_payload(decode=True) or b""
        if xml_part is None and (str(name).lower().endswith(".xml") or kind in ("application/xml", "text/xml")):
            xml_part = payload
        elif kind == "image/jpeg" and (photo is None or "detection" in str(name).lower()):
            if len(payload) <= MAX_PHOTO:
                photo = payload
    if xml_part is None:
        raise BadEvent("multipart body without an XML part")
    return xml_part, photo


def parse_hikvision(body: bytes, content_type: str, now: datetime) -> PlateRead | None:
    """A Hikvision ANPR EventNotificationAlert as a plate read; None for another kind of event.

    The camera is named by its address (ipAddress). An event whose time is more
    than REPLAY_SECONDS before `now`, or that says it is retransmitted, is a replay.
    """
    xml_bytes, photo = _parts(body, content_type or "")
    root = safe_xml(xml_bytes)
    if _local_name(root.tag) != "EventNotificationAlert":
        raise BadEvent(f"not an EventNotificationAlert: {_local_name(root.tag)[:40]}")
    event_type = (_text(root, "eventType") or "").upper()
    if event_type == "VIDEOLOSS" or (event_type and event_type != "ANPR"):
        return None
    camera = _camera_id(_text(root, "ipAddress"), "ipAddress")
    anpr = _child(root, "ANPR")
    plate = _text(anpr, "licensePlate")
    when = _text(root, "dateTime")
    if not plate or not when:
        raise BadEvent("ANPR event lacks licensePlate or dateTime")
    at = _hik_time(when)
    if at is None:
        raise BadEvent(f"dateTime unreadable: {when[:40]!r}")
    confidence = _text(anpr, "confidenceLevel")
    retransmitted = (_text(root, "isDataRetransmission") or "").lower() == "true"
    offline = retransmitted or at < now - timedelta(seconds=REPLAY_SECONDS)
    key = f"{at.strftime('%Y%m%d%H%M%S')}|{plate[:16]}"
    return PlateRead(camera=camera, key=key, text=plate[:40], at=at,
                     confidence=int(confidence) if confidence and confidence.isdigit() else None,
                     offline=offline, photo=photo, address=camera)


def barrier_open_xml() -> bytes:
    return b"<BarrierGate><ctrlMode>open</ctrlMode></BarrierGate>"


#: The keys of one allow-list record besides plate and times; the firmware refuses a record
#: with keys left out, so they are sent, empty, as the camera's own web page sends them.
_RECORD_BLANKS = ("cardNo", "cardID", "plateType", "plateColor", "plateDescription", "remoteControllerCode",
                  "plateNoSub", "CRIndex", "area", "name", "certificateType", "certificateNumber",
                  "virtualParkingNum", "groupName")


def allow_list_json(adds: list[WhitelistEntry]) -> bytes:
    """The Hikvision allow-list records for `adds` (licensePlateAuditData/record?format=json).

    listType is `allowList` when writing (the camera reports it back as
    whiteList when searched); the window runs from createTime to effectiveTime;
    the record's id is the plate, so that it can be found and deleted by plate.
    """
    records = [{"id": e.plate, "LicensePlate": e.plate, "listType": "allowList",
                **{key: "" for key in _RECORD_BLANKS}, "operationType": "add", "operation": "new",
                "createTime": e.enable_at.strftime("%Y-%m-%dT%H:%M:%S"),
                "effectiveTime": e.overdue_at.strftime("%Y-%m-%dT%H:%M:%S")} for e in adds]
    return json.dumps({"LicensePlateInfoList": records}, ensure_ascii=False).encode("utf-8")


def allow_list_delete_json(plates: list[str]) -> bytes:
    """The plates to take off a Hikvision allow-list (DelLicensePlateAuditData?format=json)."""
    return json.dumps({"deleteAllEnabled": False, "licensePlate": list(plates)}, ensure_ascii=False).encode("utf-8")
