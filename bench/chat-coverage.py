#!/usr/bin/env python3
"""How much of a test set's English vocabulary the chat corpus has never seen, and what the
chatbot's accuracy is with and without such words: aggregates only (no sentence or label is
printed), so that looking at them cannot turn a test set into training data.

    python3 bench/chat-coverage.py [DATASETS_DIR] [BUILD_DIR] [SET]

DATASETS_DIR defaults to ../shared/datasets, BUILD_DIR to build. The chatbot is
`shopdesk-cli chat --json` on a fresh demo shop without a trained intent model, i.e. the
fallback linear classifier alone (the app's first answers); the quality test's figures are
of the averaged pair and run about a point higher. SET is bitext (the default), curekart or
sofmattress (HINT3), each mapped as tests/test-chat-quality.c maps it; all three are
evaluation data only.
"""

import collections
import csv
import gzip
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORD = re.compile(r"[a-z']+")


def words(text):
    return WORD.findall(text.lower())


def read_map(path):
    m = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            label, intents = line.split("\t", 1)
            m[label] = None if intents.strip() == "skip" else intents.strip().split("|")
    return m


def one_edit_away(w, vocab):
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
    for a, b in splits:
        if b and a + b[1:] in vocab:
            return True
        if len(b) > 1 and a + b[1] + b[0] + b[2:] in vocab:
            return True
        for c in letters:
            if (b and a + c + b[1:] in vocab) or a + c + b in vocab:
                return True
    return False


def main():
    datasets = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "datasets")
    build = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "build")
    cli = os.path.join(build, "src", "cli", "shopdesk-cli")
    name = sys.argv[3] if len(sys.argv) > 3 else "bitext"
    sets = {
        "bitext": ("bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv",
                   "instruction", "intent", "bitext-intent-map.tsv"),
        "curekart": ("hint3/hint3_curekart_train.csv", "text", "label", "hint3-curekart-intent-map.tsv"),
        "sofmattress": ("hint3/hint3_sofmattress_train.csv", "text", "label", "hint3-sofmattress-intent-map.tsv"),
    }
    if name not in sets:
        sys.exit("chat-coverage: SET is one of %s" % ", ".join(sets))
    relative, text_column, label_column, map_name = sets[name]
    set_path = os.path.join(datasets, relative)
    if not os.path.exists(set_path):
        sys.exit("chat-coverage: %s is absent" % set_path)

    vocab = collections.Counter()
    with open(os.path.join(ROOT, "data", "chat-corpus", "en.tsv"), encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                vocab.update(words(line.split("\t")[1]))

    # words of text nobody labelled for the chatbot: BANKING77's and CLINC150's training
    # queries and the Amazon reviews
    unlabeled = collections.Counter()
    for path in glob.glob(os.path.join(datasets, "banking77", "train.csv")) + \
            glob.glob(os.path.join(datasets, "clinc150", "train.csv")):
        with open(path, encoding="utf-8") as f:
            for row in csv.reader(f):
                unlabeled.update(words(row[0]))
    for path in glob.glob(os.path.join(datasets, "amazon-musical-instruments", "*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                unlabeled.update(words(d.get("reviewText", "") + " " + d.get("summary", "")))

    labels = read_map(os.path.join(ROOT, "tests", "fixtures", map_name))
    with open(set_path, encoding="utf-8") as f:
        rows = [(r[text_column], r[label_column]) for r in csv.DictReader(f) if labels[r[label_column]]]

    with tempfile.TemporaryDirectory() as tmp:
        shop = os.path.join(tmp, "demo.sqlite")
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"), XDG_DATA_HOME=tmp)
        subprocess.run([cli, "--db", shop, "demo"], check=True, capture_output=True, env=env)
        text = "".join(t.replace("\n", " ") + "\n" for t, _ in rows)
        out = subprocess.run([cli, "--db", shop, "chat", "--json"], input=text, capture_output=True,
                             text=True, check=True, env=env).stdout.splitlines()
    if len(out) != len(rows):
        sys.exit("chat-coverage: %d answers to %d messages" % (len(out), len(rows)))

    right, unseen, length = [], [], []
    tokens = unseen_tokens = typo_like = in_unlabeled = out_of_scope = 0
    for (text, label), line in zip(rows, out):
        d = json.loads(line)
        got = "out_of_scope" if d["out_of_scope"] else d["intent"]
        right.append(got in labels[label])
        out_of_scope += got == "out_of_scope" and not right[-1]
        ws = words(text)
        new = [w for w in ws if vocab[w] == 0]
        tokens += len(ws)
        unseen_tokens += len(new)
        typo_like += sum(1 for w in new if len(w) > 3 and one_edit_away(w, vocab))
        in_unlabeled += sum(1 for w in new if unlabeled[w] >= 5)
        unseen.append(len(new))
        length.append(len(ws))

    def acc(idx):
        return "%5d  %.4f" % (len(idx), sum(right[i] for i in idx) / len(idx)) if idx else "    0"

    n = len(rows)
    print("%s mapped: %d utterances; the fallback classifier alone %.4f, %.4f wrongly taken as out of scope"
          % (name, n, sum(right) / n, out_of_scope / n))
    print("words the chat corpus never has: %d of %d (%.4f); one edit from a corpus word %d; "
          "seen at least 5 times in unlabeled text (BANKING77, CLINC150 train, Amazon reviews) %d"
          % (unseen_tokens, tokens, unseen_tokens / tokens, typo_like, in_unlabeled))
    print("utterances with every word known     %s" % acc([i for i in range(n) if unseen[i] == 0]))
    print("utterances with a word never seen    %s" % acc([i for i in range(n) if unseen[i] > 0]))
    for lo, hi in [(1, 3), (4, 6), (7, 9), (10, 13), (14, 999)]:
        print("utterances of %2d-%-3d words          %s" % (lo, hi, acc([i for i in range(n) if lo <= length[i] <= hi])))


if __name__ == "__main__":
    main()
