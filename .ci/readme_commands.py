"""Print the README's set-up commands, so CI runs exactly what a user runs.

``install``: the install steps of the first command (its ``pip install ...``
parts; the report it then writes needs arXiv, which CI may not reach).
``test``: the second command, whole.
"""

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
SEPARATOR = " && "


def setup_commands(text: str) -> list[str]:
    """The fenced bash blocks of the README's "Set up" section, one command each."""
    section = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def install_steps(command: str) -> list[str]:
    return [step for step in command.split(SEPARATOR) if step.startswith("pip install")]


def main(which: str) -> None:
    first, second = setup_commands(README.read_text(encoding="utf-8"))
    print(SEPARATOR.join(install_steps(first)) if which == "install" else second)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
