"""Bounded fuzzing of the PDF path: every case ends in a parsed paper or one clean error line.

Seeds are the generated corpus papers (always there) and the real PDFs in
``../shared/data/papers`` (when present, smallest first). Each case mutates a
seed (bit flips, truncation, deleted / duplicated / spliced spans, random
bytes, rewritten numbers in the xref and object headers) and runs the same
parse -> chunk steps as ``synth ingest``. A case passes when it returns a
parsed paper or raises a SynthError whose message is one non-empty line; any
other exception, or a case that runs past the per-file limit, is a finding.

    python bench/fuzz_pdf.py --cases 100000 --seed 0 [--limit-s 10] [--max-seed-bytes 600000]

The run is reproducible from ``--seed``; findings are printed with the seed
and case number that recreate them.
"""

from __future__ import annotations

import argparse
import random
import re
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from synth.errors import SynthError  # noqa: E402
from synth.ingest import chunk_paper, parse_pdf  # noqa: E402
from synth.records import Paper  # noqa: E402
from synth.settings import Settings  # noqa: E402

REAL_PAPERS = REPO_ROOT.parent / "shared" / "data" / "papers"
DEFAULT_LIMIT_S = 10.0
"""Per-file limit in CPU seconds: the largest real seed parses in about 2 s on the shared machine."""
DEFAULT_MAX_SEED_BYTES = 600_000
MAX_MUTATIONS = 4
NUMBER = re.compile(rb"\d+")


class CaseTimeout(BaseException):
    """Not an Exception, so a parser's broad `except Exception` cannot swallow the limit."""


@dataclass
class FuzzResult:
    cases: int = 0
    parsed: int = 0
    clean_errors: Counter = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def cases_per_s(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


def generated_seeds(folder: Path) -> list[bytes]:
    from bench.corpus.content import CORPUS
    from bench.corpus.pdf import write_paper_pdf

    return [write_paper_pdf(paper, folder).read_bytes() for paper in CORPUS]


def real_seeds(max_bytes: int, count: int | None = None) -> list[bytes]:
    if not REAL_PAPERS.is_dir():
        return []
    paths = sorted((p for p in REAL_PAPERS.glob("*.pdf") if p.stat().st_size <= max_bytes), key=lambda p: p.stat().st_size)
    return [path.read_bytes() for path in paths[:count]]


# --- mutations -----------------------------------------------------------------


def _span(rng: random.Random, data: bytes) -> tuple[int, int]:
    start = rng.randrange(len(data))
    return start, min(len(data), start + rng.randint(1, 4096))


def flip_bits(rng, data, other):
    raw = bytearray(data)
    for _ in range(rng.randint(1, 64)):
        raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
    return bytes(raw)


def truncate(rng, data, other):
    return data[: rng.randrange(len(data))]


def delete_span(rng, data, other):
    start, end = _span(rng, data)
    return data[:start] + data[end:]


def duplicate_span(rng, data, other):
    start, end = _span(rng, data)
    return data[:end] + data[start:end] + data[end:]


def insert_random(rng, data, other):
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.randint(1, 512)) + data[at:]


def splice(rng, data, other):
    cut, other_cut = rng.randrange(len(data)), rng.randrange(len(other))
    return data[:cut] + other[other_cut:]


def rewrite_numbers(rng, data, other):
    """Change numbers (object ids, offsets, lengths, counts): the structure pypdf trusts most."""
    matches = list(NUMBER.finditer(data))
    if not matches:
        return data
    raw = bytearray(data)
    for match in sorted(rng.sample(matches, min(len(matches), rng.randint(1, 16))), key=lambda m: -m.start()):
        replacement = rng.choice([b"0", b"-1", b"999999999", str(rng.randrange(10**6)).encode()])
        raw[match.start() : match.end()] = replacement
    return bytes(raw)


MUTATIONS = (flip_bits, truncate, delete_span, duplicate_span, insert_random, splice, rewrite_numbers)


def mutate(rng: random.Random, seeds: list[bytes]) -> bytes:
    data = rng.choice(seeds)
    for _ in range(rng.randint(1, MAX_MUTATIONS)):
        if not data:
            break
        data = rng.choice(MUTATIONS)(rng, data, rng.choice(seeds))
    return data


# --- one case ------------------------------------------------------------------


def _on_alarm(signum, frame):
    raise CaseTimeout()


def run_case(data: bytes, path: Path, settings: Settings, limit_s: float) -> tuple[str, str]:
    """("parsed" | "error" | "finding", detail) for one PDF's bytes."""
    path.write_bytes(data)
    paper = Paper(paper_id="fuzz", title="fuzz", source="local", pdf_path=str(path), sha256="0" * 64,
                  found_by="fuzz")
    signal.setitimer(signal.ITIMER_PROF, limit_s)
    try:
        chunk_paper(parse_pdf(path, paper), settings)
        return "parsed", ""
    except CaseTimeout:
        return "finding", f"ran past the {limit_s:g} CPU-second limit"
    except SynthError as error:
        message = str(error)
        if not message.strip() or "\n" in message:
            return "finding", f"SynthError message is not one line: {message!r}"
        return "error", _reason(message, path)
    except Exception:  # noqa: BLE001  (what the fuzzer looks for)
        return "finding", traceback.format_exc()  # whole, so the synth frame that let it through shows
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


def _reason(message: str, path: Path) -> str:
    """The message without the file name, cut before the details, to count kinds of errors."""
    text = message.replace(str(path), "FILE")
    return re.split(r"[(;:]", text.removeprefix("FILE: "), maxsplit=1)[0].strip()[:80]


def fuzz(cases: int, seed: int, seeds: list[bytes], limit_s: float = DEFAULT_LIMIT_S,
         progress_every: int = 0, skip: int = 0) -> FuzzResult:
    """Run ``cases`` mutated PDFs through parse + chunk, after generating (not parsing) the first ``skip``."""
    import logging

    logging.disable(logging.CRITICAL)  # pypdf logs warnings and errors on every broken xref or font
    previous = signal.signal(signal.SIGPROF, _on_alarm)
    rng = random.Random(seed)
    result = FuzzResult()
    settings = Settings(home=Path(tempfile.gettempdir()) / "synth-fuzz-home")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="synth-fuzz-", dir=_fast_temp()) as folder:
        path = Path(folder) / "case.pdf"
        for _ in range(skip):
            mutate(rng, seeds)
        for number in range(skip, skip + cases):
            outcome, detail = run_case(mutate(rng, seeds), path, settings, limit_s)
            result.cases += 1
            if outcome == "parsed":
                result.parsed += 1
            elif outcome == "error":
                result.clean_errors[detail] += 1
            else:
                result.findings.append(f"seed {seed} case {number}: {detail}")
                if progress_every:
                    print("FINDING", result.findings[-1], flush=True)
            if progress_every and result.cases % progress_every == 0:
                result.seconds = time.monotonic() - started
                print(f"{result.cases} cases, {result.cases_per_s:.1f}/s, {len(result.findings)} findings", flush=True)
    result.seconds = time.monotonic() - started
    signal.signal(signal.SIGPROF, previous)
    return result


def _fast_temp() -> str | None:
    return "/dev/shm" if Path("/dev/shm").is_dir() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit-s", type=float, default=DEFAULT_LIMIT_S)
    parser.add_argument("--max-seed-bytes", type=int, default=DEFAULT_MAX_SEED_BYTES)
    parser.add_argument("--real-seeds", type=int, default=None, help="at most this many real PDFs (smallest first)")
    parser.add_argument("--progress-every", type=int, default=1000)
    parser.add_argument("--skip", type=int, default=0, help="resume after this many cases of the seed's sequence")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        seeds = generated_seeds(Path(folder)) + real_seeds(arguments.max_seed_bytes, arguments.real_seeds)
    print(f"{len(seeds)} seed PDFs; {arguments.cases} cases from case {arguments.skip}, seed {arguments.seed}, "
          f"limit {arguments.limit_s:g} CPU s", flush=True)
    result = fuzz(arguments.cases, arguments.seed, seeds, arguments.limit_s, arguments.progress_every, arguments.skip)
    print(f"{result.cases} cases in {result.seconds:.0f} s ({result.cases_per_s:.1f} cases/s): "
          f"{result.parsed} parsed, {sum(result.clean_errors.values())} clean errors, {len(result.findings)} findings")
    for reason, count in result.clean_errors.most_common(12):
        print(f"  {count:7d}  {reason}")
    sys.exit(1 if result.findings else 0)


if __name__ == "__main__":
    main()
