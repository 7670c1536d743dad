#!/usr/bin/env python3
"""Create a new skill folder with a starting SKILL.md.

usage: new_skill.py SKILLS_ROOT SKILL_NAME "DESCRIPTION"
"""

import re
import sys
from pathlib import Path

NAME_RULE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root, name, description = Path(argv[1]).expanduser(), argv[2], " ".join(argv[3].split())
    if not NAME_RULE.match(name) or len(name) > 64:
        print(f"error: '{name}' is not a valid skill name (lowercase, digits, hyphens)", file=sys.stderr)
        return 1
    if not description or len(description) > 1024:
        print("error: the description must be one non-empty line of at most 1024 characters", file=sys.stderr)
        return 1
    folder = root / name
    if folder.exists():
        print(f"error: {folder} already exists", file=sys.stderr)
        return 1
    for sub in ("scripts", "references", "assets"):
        (folder / sub).mkdir(parents=True)
    title = name.replace("-", " ").capitalize()
    (folder / "SKILL.md").write_text(
        f"---\nname: {name}\ndescription: {description}\n---\n\n# {title}\n\n"
        "Steps, commands and conventions for this job go here.\n",
        encoding="utf-8",
    )
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
