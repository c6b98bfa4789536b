"""Read a text aloud, offline: espeak-ng makes a WAV, cached per content version.

For citizens who read with difficulty. Catalogue texts are cached under
DATA/speech/<catalogue version>/, so a new bundle never plays stale audio;
a receipt's text (it holds a tracking code) is made afresh and never stored.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ESPEAK = "espeak-ng"
# Latin-American Spanish; espeak-ng's Quechua voice; American English.
VOICES = {"es": ("es-419", "es"), "qu": ("qu", "es-419", "es"), "en": ("en-us", "en")}
WORDS_PER_MINUTE = "150"  # a little slower than espeak's 175: easier to follow


@functools.cache
def available() -> bool:
    """Whether this machine can speak (the Escuchar buttons are hidden otherwise)."""
    return shutil.which(ESPEAK) is not None


@functools.cache
def installed_voices() -> frozenset[str]:
    listing = subprocess.run(
        [ESPEAK, "--voices"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    return frozenset(line.split()[1] for line in listing.splitlines()[1:] if line.split())


def voice_for(lang: str) -> str:
    """The best installed voice for `lang`; Spanish when there is none for it."""
    installed = installed_voices()
    for voice in VOICES.get(lang, VOICES["es"]):
        if voice in installed:
            return voice
    return "es"


def _synthesize(text: str, voice: str, out: Path) -> None:
    # The text goes in on stdin, so nothing in it can be taken for an option.
    subprocess.run(
        [ESPEAK, "-v", voice, "-s", WORDS_PER_MINUTE, "--stdin", "-w", str(out)],
        input=text.encode(),
        check=True,
        capture_output=True,
        timeout=60,
    )


def cached_wav(text: str, lang: str, cache_dir: Path) -> Path:
    """A WAV of `text` read in `lang`, made once and kept in `cache_dir`."""
    voice = voice_for(lang)
    key = hashlib.sha256(f"{voice}\n{text}".encode()).hexdigest()[:32]
    path = cache_dir / f"{key}.wav"
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".part")
        os.close(fd)
        try:
            _synthesize(text, voice, Path(tmp))
            os.replace(tmp, path)  # atomic: a reader never sees half a file
        finally:
            Path(tmp).unlink(missing_ok=True)
    return path


def fresh_wav(text: str, lang: str) -> bytes:
    """A WAV of `text` read in `lang`, left on no disk once read."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        _synthesize(text, voice_for(lang), out)
        return out.read_bytes()


def spelled(code: str) -> str:
    """A tracking code said one character at a time: "T, U, N. 7, K, ..."."""
    return ". ".join(", ".join(group) for group in code.split("-"))
