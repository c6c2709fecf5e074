"""Prints two JSON documents side by side, keys sorted, for scripts/demo.

usage: json_columns.py WIDTH LEFT_TITLE LEFT_FILE RIGHT_TITLE RIGHT_FILE

Lines that differ are marked with '*' between the columns. Items of a DynamoDB Scan come back in no particular order from each client; they are sorted by
their JSON text so that the same items line up.
"""
import difflib
import json
import sys


def lines(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if isinstance(doc, dict) and isinstance(doc.get("Items"), list):
        doc["Items"] = sorted(doc["Items"], key=lambda item: json.dumps(item, sort_keys=True))
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def main():
    width, left_title, left_path, right_title, right_path = sys.argv[1:6]
    column = (int(width) - 3) // 2
    left, right = lines(left_path), lines(right_path)
    cut = lambda s: s if len(s) <= column else s[: column - 1] + "~"
    print(f"{cut(left_title):<{column}} | {cut(right_title)}")
    print(f"{'-' * column}-+-{'-' * column}")
    # Align equal runs so that a field only one side prints leaves a gap instead of shifting
    # everything below it.
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for _, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = left[i1:i2], right[j1:j2]
        for k in range(max(len(a), len(b))):
            x = a[k] if k < len(a) else ""
            y = b[k] if k < len(b) else ""
            mark = "|" if x == y else "*"
            print(f"{cut(x):<{column}} {mark} {cut(y)}")


if __name__ == "__main__":
    main()
