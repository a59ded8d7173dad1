#!/usr/bin/env python3
"""Checks of the man pages in docs/man against the programs.

  check_man.py render  --man-dir DIR
      Every page renders without a warning: `groff -ww -z -man -t PAGE` and, when man-db is
      installed, `man --warnings -l PAGE` print nothing on stderr and succeed. Exit 77 (skip)
      when groff is not installed.

  check_man.py options --man-dir DIR --source-dir SRC --ipauditd PROG --ipaudit PROG
      The option lists of the pages match what the programs' --help prints:
      - ipauditd.8: the .TP tags of each OPTIONS subsection against the option group of
        `ipauditd --help` at the same position (long name, short form, argument);
      - ipaudit.1: the .TP tags of OPTIONS against the global options of `ipaudit --help`'s
        SYNOPSIS, and of each COMMANDS subsection against `ipaudit COMMAND --help` (and
        `ipaudit report KIND --help`) plus that command's SYNOPSIS line of `ipaudit --help`;
      - ipaudit.conf.5: the keys of KEYS against the config-file group of `ipauditd --help`
        and the keys the reports read (src/report/report_settings.cpp); every key of
        conf/ipaudit.conf, commented out or not, is documented there and accepted.
      Every difference is named; exit 1 when there is one.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

SKIP = 77

# One option as --help and the page tags write it: "-d, --data-dir DIR", "--from T",
# "--period week|month", "--expected H:P,..", "--dry-run". An argument starts with a capital
# letter (DIR, IP[/LEN], H:P,..) or is a list of words separated by '|'.
ARG = r"(?:\[?[A-Z][^\s]*?|[a-z0-9]+(?:\|[a-z0-9]+)+)"  # DIR, [NAME=]DIR, text|csv|json
ENTRY = r"(?:(?P<short>-[A-Za-z]), )?(?P<long>--[a-z0-9][a-z0-9-]*)(?: (?P<arg>" + ARG + r")(?=, -|\s|$))?"
ENTRY_RE = re.compile(ENTRY)
# A list of entries: "--from T, --to T". An argument ends where ", -" or a blank follows.
ENTRY_LIST = (r"(?:-[A-Za-z], )?--[a-z0-9][a-z0-9-]*(?: " + ARG + r"(?=, -|\s|$))?"
              r"(?:, (?:-[A-Za-z], )?--[a-z0-9][a-z0-9-]*(?: " + ARG + r"(?=, -|\s|$))?)*")


class Option:
    def __init__(self, long, short=None, arg=None, where=""):
        self.long, self.short, self.arg, self.where = long, short, arg, where

    def __repr__(self):
        return (self.short + ", " if self.short else "") + self.long + (" " + self.arg if self.arg else "")


def entries_of(text, where):
    """The options of an entry list: "-d, --data-dir DIR", "--from T, --to T"."""
    options, pos = [], 0
    while True:
        m = ENTRY_RE.match(text, pos)
        if not m:
            raise ValueError(f"{where}: cannot read the option list '{text}' at '{text[pos:]}'")
        options.append(Option(m["long"], m["short"], m["arg"], where))
        if m.end() == len(text):
            return options
        if not text.startswith(", ", m.end()):
            raise ValueError(f"{where}: cannot read the option list '{text}' at '{text[m.end():]}'")
        pos = m.end() + 2


def run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------- --help parsing

def ipauditd_groups(help_text):
    """[(title, {long: Option})] of `ipauditd --help` (Boost.Program_options layout)."""
    groups = []
    line_re = re.compile(r"^  (?:(?P<short>-[A-Za-z]) \[ (?P<long1>--[a-z0-9][a-z0-9-]*) \]|(?P<long2>--[a-z0-9][a-z0-9-]*))"
                         r"(?: (?P<arg>\S+))?(?:\s+\S|$)")
    for line in help_text.splitlines():
        if re.match(r"^\S.*:$", line):
            groups.append((line[:-1], {}))
            continue
        m = line_re.match(line)
        if m:
            if not groups:
                raise ValueError(f"ipauditd --help: option before any group: {line!r}")
            long = m["long1"] or m["long2"]
            groups[-1][1][long] = Option(long, m["short"], m["arg"], "ipauditd --help")
    groups = [g for g in groups if g[1]]
    if len(groups) < 2 or sum(len(g[1]) for g in groups) < 20:
        raise ValueError(f"ipauditd --help: found only {[(t, len(o)) for t, o in groups]}; has its layout changed?")
    return groups


def synopsis_entries(help_text):
    """{command: {long: Option}} from the SYNOPSIS of `ipaudit --help`; command '' is global."""
    lines = help_text.splitlines()
    try:
        start = lines.index("SYNOPSIS") + 1
    except ValueError:
        raise ValueError("ipaudit --help: no SYNOPSIS")
    entries, current = [], None
    for line in lines[start:]:
        if line and not line.startswith(" "):
            break
        if line.startswith("    ipaudit "):
            current = [line.strip()]
            entries.append(current)
        elif line.strip() and current is not None:
            current.append(line.strip())
    result = {}
    for parts in entries:
        text = " ".join(parts)
        words = text.split()
        command = "" if words[1].startswith("-") else words[1]
        opts = {}
        # "[--ip IP[/LEN]]", "[--day DAY]...", "[-d DATA_DIR]", "--help | --version"
        for m in re.finditer(r"(?<![\w-])(--[a-z0-9][a-z0-9-]*)(?: ([^\s\]]+(?:\[[^\]]*\])?))?", text):
            arg = m.group(2)
            if arg is not None and (arg.startswith("-") or arg == "|"):
                arg = None
            opts[m.group(1)] = Option(m.group(1), None, arg, f"ipaudit --help SYNOPSIS ({command or 'global'})")
        result[command] = opts
    return result


def option_column(help_text, where):
    """{long: Option} of the option column of a command's help: entries at 12 blanks of indent."""
    opts = {}
    for line in help_text.splitlines():
        m = re.match(r"^ {12}(" + ENTRY_LIST + r")(?P<rest>.*)$", line)
        if not m:
            continue
        entry, rest = m.group(1), m["rest"]
        # An entry is followed by its description, two blanks or more away; or by one blank
        # after an argument ("-d, --data-dir DIR data directory"). Prose that merely starts
        # with an option name ("--format also html)") is not an entry.
        has_arg = re.search(r"--[a-z0-9-]+ " + ARG + r"$", entry) is not None
        if not (rest == "" or re.match(r"\s{2,}\S", rest) or (has_arg and re.match(r" \S", rest))):
            continue
        for o in entries_of(entry, where):
            opts[o.long] = o
    return opts


# ---------------------------------------------------------------- roff parsing

ESCAPES = [(r"\-", "-"), (r"\(aq", "'"), (r"\(lq", '"'), (r"\(rq", '"'), (r"\(em", "--"),
           (r"\e", "\\"), (r"\&", ""), (r"\ ", " "), (r"\~", " "), (r"\%", "")]


def roff_text(s):
    s = re.sub(r"\\f(?:[BIRP]|\(\w\w|\[\w*\])", "", s)
    for a, b in ESCAPES:
        s = s.replace(a, b)
    return s


ALTERNATING = {"BR", "BI", "IB", "IR", "RB", "RI"}


def macro_text(line):
    """The text a one-line macro call prints (.B, .I, .BR, ...) or the line itself."""
    if not line.startswith("."):
        return roff_text(line).strip()
    name, _, args = line[1:].partition(" ")
    try:
        words = shlex.split(args.replace("\\", "\\\\"), posix=True)
    except ValueError as e:
        raise ValueError(f"cannot split the macro line {line!r}: {e}")
    words = [w.replace("\\\\", "\\") for w in words]
    if name in ALTERNATING:
        return roff_text("".join(words)).strip()
    if name in {"B", "I", "SM", "SB"}:
        return roff_text(" ".join(words)).strip()
    raise ValueError(f"unexpected macro in a tag: {line!r}")


def page_tags(path):
    """[(section, subsection, tag text)] of every .TP/.TQ tag of a man page."""
    tags, section, subsection = [], "", ""
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f]
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(".SH"):
            section, subsection = roff_text(line[3:].strip().strip('"')), ""
        elif line.startswith(".SS"):
            subsection = roff_text(line[3:].strip().strip('"'))
        elif line in (".TP", ".TQ") and i + 1 < len(lines):
            tags.append((section, subsection, macro_text(lines[i + 1]), f"{os.path.basename(path)}:{i + 2}"))
            i += 1
        i += 1
    return tags


def option_tags(tags, section, where_name):
    """{subsection: [Option]} of the tags of `section` that name options (start with '-')."""
    result = {}
    for sec, sub, text, where in tags:
        if sec != section or not text.startswith("-"):
            continue
        if not re.fullmatch(ENTRY_LIST, text):
            raise ValueError(f"{where}: cannot read the option tag '{text}'")
        result.setdefault(sub, []).extend(entries_of(text, f"{where_name} {where}"))
    return result


# ---------------------------------------------------------------- comparison

class Problems(list):
    compared = 0

    def compare(self, what, help_opts, page_opts, page_name, help_name):
        """help_opts: {long: Option}; page_opts: [Option] (duplicates are problems)."""
        self.compared += len(help_opts)
        seen = {}
        for o in page_opts:
            if o.long in seen:
                self.append(f"{what}: {o.long} is documented twice in {page_name} ({seen[o.long].where}, {o.where})")
            seen[o.long] = o
        for long in sorted(set(help_opts) - set(seen)):
            self.append(f"{what}: {help_opts[long]!r} is in {help_name} but missing from {page_name}")
        for long in sorted(set(seen) - set(help_opts)):
            self.append(f"{what}: {seen[long]!r} ({seen[long].where}) is in {page_name} but not in {help_name}")
        for long in sorted(set(seen) & set(help_opts)):
            h, p = help_opts[long], seen[long]
            if h.short != p.short:
                self.append(f"{what}: {long}: short form {h.short or 'none'} in {help_name}, "
                            f"{p.short or 'none'} in {page_name} ({p.where})")
            if h.arg is not None and h.arg != p.arg:
                self.append(f"{what}: {long}: argument {h.arg} in {help_name}, {p.arg or 'none'} in {page_name} ({p.where})")
            if h.arg is None and p.arg is not None:
                self.append(f"{what}: {long} takes no argument in {help_name}, {p.arg} in {page_name} ({p.where})")


def check_ipauditd(args, problems):
    rc, out, err = run([args.ipauditd, "--help"])
    if rc != 0:
        problems.append(f"ipauditd --help: exit status {rc}: {err.strip()}")
        return None
    groups = ipauditd_groups(out)
    page = os.path.join(args.man_dir, "ipauditd.8")
    subsections = option_tags(page_tags(page), "OPTIONS", "ipauditd.8")
    titles = list(subsections)
    if len(titles) != len(groups):
        problems.append(f"ipauditd.8: OPTIONS has {len(titles)} option subsections {titles}, "
                        f"ipauditd --help {len(groups)} groups {[t for t, _ in groups]}")
    for i, (title, opts) in enumerate(groups):
        sub = titles[i] if i < len(titles) else None
        problems.compare(f"ipauditd group '{title}'", opts, subsections.get(sub, []),
                         f"ipauditd.8 OPTIONS subsection '{sub}'", "ipauditd --help")
    return groups


def check_ipaudit(args, problems):
    rc, top, err = run([args.ipaudit, "--help"])
    if rc != 0:
        problems.append(f"ipaudit --help: exit status {rc}: {err.strip()}")
        return
    synopsis = synopsis_entries(top)
    commands = [c for c in synopsis if c]
    if sorted(commands) != sorted(set(commands)) or len(commands) < 5 or "" not in synopsis:
        problems.append(f"ipaudit --help: unexpected SYNOPSIS commands {commands}")
    help_opts = {"": dict(synopsis.get("", {}))}
    for command in commands:
        opts = dict(synopsis[command])
        rc, out, err = run([args.ipaudit, command, "--help"])
        if rc == 0:
            column = option_column(out, f"ipaudit {command} --help")
            if not column:
                problems.append(f"ipaudit {command} --help: no options found; has its layout changed?")
            opts.update(column)  # the option column has the short forms and argument names
        else:
            problems.append(f"ipaudit {command} --help: exit status {rc}: {err.strip()}")
        help_opts[command] = opts
    # Report kinds: ipaudit report KIND --help, each compared with the page's report section.
    kinds = re.search(r"ipaudit report \{([a-z|]+)\}", top)
    if not kinds:
        problems.append("ipaudit --help: no 'ipaudit report {...}' in the SYNOPSIS")
    else:
        for kind in kinds.group(1).split("|"):
            rc, out, err = run([args.ipaudit, "report", kind, "--help"])
            if rc != 0:
                problems.append(f"ipaudit report {kind} --help: exit status {rc}: {err.strip()}")
                continue
            column = option_column(out, f"ipaudit report {kind} --help")
            for long in sorted(set(column) - set(help_opts.get("report", {}))):
                help_opts.setdefault("report", {})[long] = column[long]

    page = os.path.join(args.man_dir, "ipaudit.1")
    tags = page_tags(page)
    global_tags = option_tags(tags, "OPTIONS", "ipaudit.1")
    problems.compare("ipaudit (global options)", help_opts[""], [o for v in global_tags.values() for o in v],
                     "ipaudit.1 OPTIONS", "ipaudit --help SYNOPSIS")
    per_command = {}
    for sub, opts in option_tags(tags, "COMMANDS", "ipaudit.1").items():
        name = sub.split()[0] if sub else ""
        per_command.setdefault(name, []).extend(opts)
    for name in sorted(set(per_command) - set(commands)):
        problems.append(f"ipaudit.1: COMMANDS subsection '{name}' documents options of a command ipaudit --help does not list")
    sections = {sub.split()[0] for sec, sub, _, _ in tags if sec == "COMMANDS" and sub}
    for command in commands:
        if command not in sections:
            problems.append(f"ipaudit.1: no COMMANDS subsection for '{command}'")
        problems.compare(f"ipaudit {command}", help_opts[command], per_command.get(command, []),
                         f"ipaudit.1 COMMANDS '{command}'", f"ipaudit {command} --help")


def conf_keys(path):
    """Keys of conf/ipaudit.conf lines 'key = value' and commented-out '#key = value'."""
    keys = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = re.match(r"^#?([a-z][a-z0-9-]*)\s*=", line)
            if m:
                keys.append((m.group(1), n))
    return keys


def report_setting_keys(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"bool known\(const std::string& key\) \{(.*?)\n\}", text, re.S)
    if not m:
        raise ValueError(f"{path}: no known() function listing the report settings")
    return set(re.findall(r'key == "([a-z-]+)"', m.group(1)))


def check_conf(args, groups, problems):
    config_groups = [opts for title, opts in groups if "config file" in title]
    if len(config_groups) != 1:
        problems.append(f"ipauditd --help: expected one group of config-file options, found {len(config_groups)}")
        return
    accepted = {long[2:]: o for long, o in config_groups[0].items()}
    report_keys = report_setting_keys(os.path.join(args.source_dir, "src", "report", "report_settings.cpp"))
    page = os.path.join(args.man_dir, "ipaudit.conf.5")
    documented = {}
    for sec, sub, text, where in page_tags(page):
        if sec != "KEYS":
            continue
        m = re.fullmatch(r"([a-z][a-z0-9-]*) = \S.*", text)
        if not m:
            problems.append(f"{where}: cannot read the key tag '{text}' (expected 'key = VALUE')")
            continue
        if m.group(1) in documented:
            problems.append(f"ipaudit.conf.5: key {m.group(1)} documented twice ({documented[m.group(1)]}, {where})")
        documented[m.group(1)] = where
    for key in sorted(set(accepted) - set(documented)):
        problems.append(f"ipaudit.conf.5: config-file option --{key} of ipauditd --help is not documented in KEYS")
    for key in sorted(set(documented) - set(accepted) - report_keys):
        problems.append(f"ipaudit.conf.5: key {key} ({documented[key]}) is accepted neither by ipauditd nor by the reports")
    for key in sorted(report_keys - set(documented)):
        problems.append(f"ipaudit.conf.5: report setting {key} (src/report/report_settings.cpp) is not documented in KEYS")
    for key in sorted(report_keys - set(accepted)):
        problems.append(f"report setting {key} is not an option of ipauditd: one ipaudit.conf could not serve both")
    conf = os.path.join(args.source_dir, "conf", "ipaudit.conf")
    keys = conf_keys(conf)
    if len(keys) < 10:
        problems.append(f"{conf}: found only {len(keys)} keys; has its layout changed?")
    for key, line in keys:
        if key not in documented:
            problems.append(f"conf/ipaudit.conf:{line}: key {key} is not documented in ipaudit.conf.5")
        if key not in accepted and key not in report_keys:
            problems.append(f"conf/ipaudit.conf:{line}: key {key} is accepted neither by ipauditd nor by the reports")


def options_test(args):
    problems = Problems()
    try:
        groups = check_ipauditd(args, problems)
        check_ipaudit(args, problems)
        if groups:
            check_conf(args, groups, problems)
    except ValueError as e:
        problems.append(str(e))
    for p in problems:
        print("FAIL: " + p)
    if problems:
        print(f"{len(problems)} difference(s) between the man pages and --help")
        return 1
    print(f"man pages and --help agree ({problems.compared} options compared)")
    return 0


PAGES = ["ipauditd.8", "ipaudit.1", "ipaudit.conf.5"]


def render_test(args):
    groff = shutil.which("groff")
    if groff is None:
        print("SKIP: groff is not installed")
        return SKIP
    man = shutil.which("man")
    failed = False
    for name in PAGES:
        page = os.path.join(args.man_dir, name)
        if not os.path.isfile(page):
            print(f"FAIL: {page}: missing")
            failed = True
            continue
        checks = [([groff, "-ww", "-z", "-man", "-t", page], None)]
        if man is not None:
            env = dict(os.environ, LC_ALL="C.UTF-8", MANROFFSEQ="", MANWIDTH="80")
            checks.append(([man, "--warnings", "-E", "UTF-8", "-l", page], env))
        page_ok = True
        for argv, env in checks:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=60)
            if p.returncode != 0 or p.stderr.strip():
                print(f"FAIL: {' '.join(argv)}: exit status {p.returncode}\n{p.stderr}")
                page_ok = False
        failed = failed or not page_ok
        print(f"{name}: {'renders without warnings' if page_ok else 'warnings (see above)'}"
              + ("" if man else " (man-db not installed: groff only)"))
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["render", "options"])
    parser.add_argument("--man-dir", required=True)
    parser.add_argument("--source-dir")
    parser.add_argument("--ipauditd")
    parser.add_argument("--ipaudit")
    args = parser.parse_args()
    if args.mode == "render":
        return render_test(args)
    if not (args.source_dir and args.ipauditd and args.ipaudit):
        parser.error("options needs --source-dir, --ipauditd and --ipaudit")
    return options_test(args)


if __name__ == "__main__":
    sys.exit(main())
