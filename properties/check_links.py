#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every relative link of the given Markdown files leads to a file that exists,
and every #anchor to a heading of its target, as GitHub names headings.
    check_links.py FILE.md...
"""
import os
import re
import sys

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*```")


def prose_lines(path):
    """The lines of a Markdown file outside fenced code blocks."""
    inside = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if FENCE.match(line):
                inside = not inside
            elif not inside:
                yield line


def anchors(path):
    """GitHub's anchors: headings lower-cased, punctuation dropped, spaces
    made hyphens, a repeated one suffixed -1, -2, ..."""
    seen = {}
    result = set()
    for line in prose_lines(path):
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        result.add(slug if n == 0 else f"{slug}-{n}")
    return result


def main(files):
    bad = 0
    for md in files:
        for line in prose_lines(md):
            for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
                if re.match(r"^[a-z]+:", target):
                    continue  # http:, https:, mailto:
                path, _, anchor = target.partition("#")
                dest = os.path.normpath(os.path.join(os.path.dirname(md), path)) if path else md
                if not os.path.exists(dest):
                    print(f"check_links: {md}: {target}: no file {dest}")
                    bad += 1
                elif anchor and (not dest.endswith(".md") or anchor not in anchors(dest)):
                    print(f"check_links: {md}: {target}: no heading #{anchor} in {dest}")
                    bad += 1
    if bad == 0:
        print(f"check_links: every relative link of {len(files)} files resolves")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]) if len(sys.argv) > 1 else 2)
