#!/usr/bin/env python3
"""fastText on the chatbot's corpus, for bench/chatbot.sh: the mean accuracy over five folds of
held-out paraphrase groups per language, and a model of the whole corpus scored on Bitext and
HINT3 mapped onto the chatbot's intents (tests/fixtures/*-intent-map.tsv; a label's alternative
intents count as right, as in tests/test-chat-quality.c).

The folds are dealt as the C test deals them (every intent's groups in each language shuffled
and dealt in turn) but with Python's shuffle, so the groups fall into different folds.

Usage: chat-corpus-fasttext.py DATASETS_DIR WORK_DIR   (from the source root; prints
"en zh_CN bitext curekart sofmattress", "-" for a data set that is absent)
"""
import csv
import os
import random
import re
import subprocess
import sys

datasets, work = sys.argv[1], sys.argv[2]
cjk = re.compile(r'([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])')

def clean(text):
    # fastText splits on spaces only: a space between Chinese characters, as bench/chatbot.sh does
    return ' '.join(cjk.sub(r' \1 ', text.replace('\n', ' ')).split())

corpus = []   # (lang, intent, text, group)
for lang in ('en', 'zh_CN'):
    with open('data/chat-corpus/%s.tsv' % lang, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith('#'):
                continue
            fields = line.rstrip('\n').split('\t')
            group = fields[2] if len(fields) > 2 and fields[2] else str(n)
            corpus.append((lang, fields[0], fields[1], lang + ':' + group))

def train(rows, name):
    path = os.path.join(work, name + '.txt')
    with open(path, 'w', encoding='utf-8') as out:
        for _, intent, text, _ in rows:
            out.write('__label__%s %s\n' % (intent, clean(text)))
    subprocess.run(['fasttext', 'supervised', '-input', path, '-output', os.path.join(work, name),
                    '-epoch', '25', '-lr', '0.5', '-wordNgrams', '2', '-minn', '3', '-maxn', '5',
                    '-dim', '100', '-thread', str(os.cpu_count()), '-verbose', '0'], check=True)
    return os.path.join(work, name + '.bin')

def predict(model, texts):
    path = os.path.join(work, 'predict.txt')
    with open(path, 'w', encoding='utf-8') as out:
        for t in texts:
            out.write(clean(t) + '\n')
    res = subprocess.run(['fasttext', 'predict', model, path], capture_output=True, text=True, check=True)
    return [l.replace('__label__', '') for l in res.stdout.split('\n')[:len(texts)]]

rng = random.Random(14)
groups = {}
for lang, intent, _, g in corpus:
    gs = groups.setdefault((lang, intent), [])
    if g not in gs:
        gs.append(g)
fold = {}
for key in sorted(groups):
    gs = groups[key]
    rng.shuffle(gs)
    for i, g in enumerate(gs):
        fold[g] = i % 5

acc = {'en': [], 'zh_CN': []}
for f in range(5):
    model = train([r for r in corpus if fold[r[3]] != f], 'fold')
    for lang in acc:
        test = [r for r in corpus if fold[r[3]] == f and r[0] == lang]
        got = predict(model, [r[2] for r in test])
        acc[lang].append(sum(g == r[1] for g, r in zip(got, test)) / len(test))

whole = train(corpus, 'whole')

def mapped(file, text_col, label_col, map_name):
    path = os.path.join(datasets, file)
    if not os.path.exists(path):
        return '-'
    m = {}
    with open(os.path.join('tests/fixtures', map_name), encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                label, intents = line.split('\t')
                m[label] = [] if intents == 'skip' else intents.split('|')
    with open(path, encoding='utf-8') as f:
        rows = [(r[text_col], m[r[label_col]]) for r in csv.DictReader(f) if m[r[label_col]]]
    got = predict(whole, [t for t, _ in rows])
    return '%.4f' % (sum(g in ok for g, (_, ok) in zip(got, rows)) / len(rows))

print('%.4f' % (sum(acc['en']) / 5), '%.4f' % (sum(acc['zh_CN']) / 5),
      mapped('bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv',
             'instruction', 'intent', 'bitext-intent-map.tsv'),
      mapped('hint3/hint3_curekart_train.csv', 'text', 'label', 'hint3-curekart-intent-map.tsv'),
      mapped('hint3/hint3_sofmattress_train.csv', 'text', 'label', 'hint3-sofmattress-intent-map.tsv'))
