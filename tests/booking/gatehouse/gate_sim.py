"""A loopback simulator of the two kinds of plate camera, for the gate tests and the bench.

- `Vzenith` posts as a Vzenith camera does: JSON AlarmInfoPlate for a plate,
  a form post for a heartbeat; it returns the desk's reply as data. It posts
  from its own loopback address (`source`, e.g. 127.0.0.2: all of 127/8 is
  loopback), so a test can play a camera at another address than the desk
  expects, as an impostor on the LAN would.
- `FakeHikvision` plays a Hikvision camera: it posts ANPR events (multipart
  with anpr.xml and a JPEG) to the desk, and serves the camera's own ISAPI on
  127.0.0.1, checking HTTP Digest auth and recording every barrierGate and
  allow-list call it receives. It keeps its allow-list as a strict firmware
  does: a record must carry every key the camera's web page sends, an `add`
  of a plate it holds already is refused (statusCode 6, with HTTP 200), and
  plates are deleted by `licensePlate`.
- `MemoryKeyring` is a keyring backend in memory, set with keyring.set_keyring
  so that no test touches the machine's real credential store.

Only loopback addresses are used; every wait is bounded.
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
import threading
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from keyring.backend import KeyringBackend

from booking.store import clock

TIMEOUT_S = 10.0


class MemoryKeyring(KeyringBackend):
    """A keyring that lives and dies with the test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@dataclass
class Answer:
    status: int
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


def post(url: str, body: bytes, content_type: str, headers: dict[str, str] | None = None,
         source: str | None = None) -> Answer:
    """POST over loopback, from the local address `source` if given; HTTP errors are answers too."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_S,
                                            source_address=(source, 0) if source else None)
    try:
        connection.request("POST", parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                           headers={"Content-Type": content_type, **(headers or {})})
        answer = connection.getresponse()
        return Answer(answer.status, answer.read())
    finally:
        connection.close()


def post_declaring(url: str, length: int) -> int:
    """Announce a body of `length` bytes and send none of it: the status the desk answers before reading."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_S)
    try:
        connection.putrequest("POST", parts.path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def unix(moment: datetime) -> int:
    return int(moment.replace(tzinfo=clock.TZ).timestamp())


class Vzenith:
    """A Vzenith camera with serial `serial` at `source`, posting to the desk at `base` (http://127.0.0.1:PORT).

    Its bodies name `claims` as its ipaddr (its own address unless told otherwise).
    """

    def __init__(self, base: str, serial: str, source: str = "127.0.0.1", claims: str | None = None) -> None:
        self.url = base + "/gate/vzenith"
        self.serial = serial
        self.source = source
        self.claims = claims or source
        self.next_id = 1000

    def plate_body(self, plate: str, at: datetime, plateid: int | None = None, confidence: int = 96,
                   offline: bool = False, color: int = 1, image: bytes | None = None) -> bytes:
        if plateid is None:
            self.next_id += 1
            plateid = self.next_id
        result: dict[str, Any] = {"license": plate, "colorType": color, "confidence": confidence,
                                  "plateid": plateid, "isoffline": 1 if offline else 0,
                                  "timeStamp": {"Timeval": {"sec": unix(at), "usec": 0}}}
        if image is not None:
            result["imageFile"] = base64.b64encode(image).decode("ascii")
        body = {"AlarmInfoPlate": {"serialno": self.serial, "ipaddr": self.claims, "channel": 0,
                                   "deviceName": "IVS", "result": {"PlateResult": result}}}
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    def plate(self, plate: str, at: datetime, **kw: Any) -> Answer:
        return post(self.url, self.plate_body(plate, at, **kw), "application/json", source=self.source)

    def heartbeat(self) -> Answer:
        """A heartbeat (comet poll) as Vzenith cameras send it: multipart/form-data with the device's fields."""
        fields = {"device_name": "IVS", "ipaddr": self.claims, "port": "80", "user_name": "admin",
                  "pass_wd": "admin", "serialno": self.serial, "channel_num": "1"}
        boundary = "------------------------" + secrets.token_hex(8)
        body = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                       for k, v in fields.items()) + f"--{boundary}--\r\n"
        return post(self.url, body.encode("utf-8"), f"multipart/form-data; boundary={boundary}", source=self.source)

    def heartbeat_urlencoded(self) -> Answer:
        """A heartbeat as some compatible cameras send it: an urlencoded form."""
        body = f"device_name=IVS&ipaddr={self.claims}&port=80&serialno={self.serial}&channel_num=1"
        return post(self.url, body.encode("ascii"), "application/x-www-form-urlencoded", source=self.source)


@dataclass
class Call:
    method: str
    path: str
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class FakeHikvision:
    """A Hikvision camera on 127.0.0.1: it posts ANPR events and serves ISAPI behind Digest auth."""

    user: str = "admin"
    password: str = "Cam-pass-1"
    calls: list[Call] = field(default_factory=list)
    refused: int = 0
    realm: str = "IP Camera"
    allow_list: dict[str, dict[str, Any]] = field(default_factory=dict)   # plate -> record

    RECORD_KEYS = frozenset({"id", "LicensePlate", "listType", "cardNo", "cardID", "plateType", "plateColor",
                             "plateDescription", "remoteControllerCode", "plateNoSub", "CRIndex", "area", "name",
                             "certificateType", "certificateNumber", "operationType", "virtualParkingNum",
                             "groupName", "createTime", "effectiveTime", "operation"})

    def __post_init__(self) -> None:
        self._nonce = secrets.token_hex(8)
        self._lock = threading.Lock()
        camera = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_PUT(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if not camera._authorised(self.headers.get("Authorization", ""), "PUT", self.path):
                    with camera._lock:
                        camera.refused += 1
                    self.send_response(401)
                    self.send_header("WWW-Authenticate",
                                     f'Digest realm="{camera.realm}", qop="auth", nonce="{camera._nonce}", '
                                     'algorithm=MD5')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with camera._lock:
                    camera.calls.append(Call("PUT", self.path, body))
                    code = camera._apply(self.path, body)
                if "format=json" in self.path:
                    kind = "application/json"
                    data = json.dumps({"statusCode": code, "statusString": "OK" if code == 1 else "Invalid Content",
                                       "subStatusCode": "ok" if code == 1 else "badParameters"}).encode()
                else:
                    kind = "application/xml"
                    data = b"<ResponseStatus><statusCode>1</statusCode><statusString>OK</statusString></ResponseStatus>"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return "127.0.0.1:%d" % self.httpd.server_address[1]

    def _apply(self, path: str, body: bytes) -> int:
        """What a PUT does to the allow-list; the ISAPI statusCode it answers (1 done, 6 refused)."""
        try:
            data = json.loads(body.decode("utf-8")) if "format=json" in path else None
        except ValueError:
            return 6
        if path.startswith("/ISAPI/Traffic/channels/1/licensePlateAuditData/record"):
            records = data.get("LicensePlateInfoList") if isinstance(data, dict) else None
            if not isinstance(records, list) or any(not isinstance(r, dict) or set(r) != self.RECORD_KEYS or
                                                    r["listType"] != "allowList" or
                                                    (r["operationType"] == "add" and r["LicensePlate"] in
                                                     self.allow_list) for r in records):
                return 6
            self.allow_list.update({r["LicensePlate"]: r for r in records})
        elif path.startswith("/ISAPI/Traffic/channels/1/DelLicensePlateAuditData"):
            if not isinstance(data, dict) or data.get("deleteAllEnabled") is not False or not isinstance(
                    data.get("licensePlate"), list):
                return 6
            for plate in data["licensePlate"]:
                self.allow_list.pop(plate, None)
        return 1

    def _authorised(self, header: str, method: str, uri: str) -> bool:
        if not header.startswith("Digest "):
            return False
        fields = {}
        for part in urllib.request.parse_http_list(header[len("Digest "):]):
            key, _, value = part.partition("=")
            fields[key.strip()] = value.strip().strip('"')
        if fields.get("username") != self.user or fields.get("nonce") != self._nonce or fields.get("uri") != uri:
            return False

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 (Digest auth is MD5 by definition)

        ha1 = md5(f"{self.user}:{self.realm}:{self.password}")
        ha2 = md5(f"{method}:{uri}")
        expected = md5(f"{ha1}:{self._nonce}:{fields.get('nc')}:{fields.get('cnonce')}:{fields.get('qop')}:{ha2}")
        return secrets.compare_digest(expected, fields.get("response", ""))

    def paths(self) -> list[str]:
        with self._lock:
            return [c.path for c in self.calls]

    def opened(self) -> int:
        return sum(1 for p in self.paths() if p == "/ISAPI/Parking/channels/1/barrierGate")

    def allow_list_calls(self) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if "licenseplateauditdata" in c.path.lower()]

    @staticmethod
    def event_xml(plate: str, at: datetime, ip: str = "127.0.0.1", direction: str = "forward") -> bytes:
        when = at.strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">'
                f"<ipAddress>{ip}</ipAddress><portNo>80</portNo><protocol>HTTP</protocol>"
                f"<channelID>1</channelID><dateTime>{when}</dateTime><activePostCount>1</activePostCount>"
                f"<eventType>ANPR</eventType><eventState>active</eventState><eventDescription>ANPR</eventDescription>"
                f"<ANPR><country>CN</country><licensePlate>{plate}</licensePlate><line>1</line>"
                f"<direction>{direction}</direction><confidenceLevel>98</confidenceLevel><plateType>92TypeCivil</plateType>"
                f"<plateColor>blue</plateColor></ANPR></EventNotificationAlert>").encode("utf-8")

    @staticmethod
    def multipart(xml: bytes, jpeg: bytes | None = None) -> tuple[bytes, str]:
        boundary = "----linli" + secrets.token_hex(6)
        out = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"anpr.xml\"; filename=\"anpr.xml\"\r\n"
               f"Content-Type: application/xml\r\nContent-Length: {len(xml)}\r\n\r\n".encode() + xml + b"\r\n"]
        if jpeg is not None:
            out.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"detectionPicture.jpg\"; "
                       f"filename=\"detectionPicture.jpg\"\r\nContent-Type: image/jpeg\r\n"
                       f"Content-Length: {len(jpeg)}\r\n\r\n".encode() + jpeg + b"\r\n")
        out.append(f"--{boundary}--\r\n".encode())
        return b"".join(out), f"multipart/form-data; boundary={boundary}"

    def post_plate(self, desk: str, plate: str, at: datetime, jpeg: bytes | None = None,
                   source: str | None = None) -> Answer:
        """Post an ANPR event naming this camera (127.0.0.1), from `source` (by default, from there)."""
        body, content_type = self.multipart(self.event_xml(plate, at), jpeg)
        return post(desk + "/gate/hikvision", body, content_type, source=source)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(TIMEOUT_S)
