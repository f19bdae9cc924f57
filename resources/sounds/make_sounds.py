"""Make the scan sounds: ok.wav (two rising notes) and no.wav (two low buzzes).

Generated rather than recorded so they carry no licence and can be remade:
    python resources/sounds/make_sounds.py
The two differ in pitch, rhythm and timbre, so a clerk who is not looking at
the screen (and a resident with poor sight) can tell yes from no.
"""
from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
HERE = Path(__file__).resolve().parent


def _tone(freq: float, seconds: float, volume: float, square: bool = False) -> list[float]:
    count = int(RATE * seconds)
    fade = int(RATE * 0.01)  # 10 ms in and out: no click
    out = []
    for i in range(count):
        phase = math.sin(2 * math.pi * freq * i / RATE)
        value = (1.0 if phase >= 0 else -1.0) * 0.6 if square else phase
        envelope = min(1.0, i / fade, (count - i) / fade)
        out.append(value * volume * envelope)
    return out


def _silence(seconds: float) -> list[float]:
    return [0.0] * int(RATE * seconds)


def _write(name: str, samples: list[float]) -> None:
    with wave.open(str(HERE / name), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"".join(struct.pack("<h", int(s * 32767)) for s in samples))


def main() -> None:
    _write("ok.wav", _tone(1046.5, 0.09, 0.5) + _silence(0.02) + _tone(1568.0, 0.16, 0.5))  # C6 then G6
    _write("no.wav", _tone(196.0, 0.18, 0.45, square=True) + _silence(0.07)
           + _tone(196.0, 0.28, 0.45, square=True))  # G3 buzz, twice


if __name__ == "__main__":
    main()
