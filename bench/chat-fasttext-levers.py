#!/usr/bin/env python3
"""Two levers on the chatbot's English intents tried with fastText standing in for its own
classifiers, for README.md's "Why Bitext stays below 0.90": what vectors learnt from text
nobody labelled for the chatbot, and labelled queries of other customer-service sets, would
bring. Aggregates only, as bench/chat-corpus-fasttext.py prints them.

    python3 bench/chat-fasttext-levers.py [DATASETS_DIR] [WORK_DIR]   (from the source root)

Prints one line per variant: held-out English groups (five folds, dealt as
chat-corpus-fasttext.py deals them), Bitext, HINT3 CureKart, HINT3 SOF Mattress. Bitext and
HINT3 are scored, never trained on. The unlabelled text: BANKING77's and CLINC150's queries,
the Amazon reviews' summaries and sentences, Online Retail's product titles and the corpus's
own English examples. The labelled queries: the BANKING77 and CLINC150 labels below, chosen
from the labels' names for meaning the same as one of the shop's intents.
"""
import csv
import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile

DATASETS = sys.argv[1] if len(sys.argv) > 1 else '../shared/datasets'
WORK = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix='sd-levers-')
os.makedirs(WORK, exist_ok=True)
THREADS = str(os.cpu_count())

BANKING77_MAP = {
    'request_refund': 'return_refund', 'Refund_not_showing_up': 'return_refund',
    'terminate_account': 'account_help', 'edit_personal_details': 'account_help',
    'passcode_forgotten': 'account_help',
    'declined_card_payment': 'payment_problem', 'transaction_charged_twice': 'payment_problem',
    'card_payment_not_recognised': 'payment_problem', 'pending_card_payment': 'payment_problem',
    'supported_cards_and_currencies': 'payment_problem', 'apple_pay_or_google_pay': 'payment_problem',
    'visa_or_mastercard': 'payment_problem', 'card_payment_fee_charged': 'payment_problem',
    'extra_charge_on_statement': 'payment_problem',
}
CLINC150_MAP = {
    'greeting': 'greeting', 'goodbye': 'goodbye', 'thank_you': 'thanks', 'yes': 'affirm',
    'no': 'deny', 'order_status': 'order_status',
}


def clean(text):
    # fastText splits on spaces only
    return ' '.join(re.sub(r'([.,!?;:()"])', r' \1 ', text.replace('\n', ' ').lower()).split())


def data(path):
    return os.path.join(DATASETS, path)


corpus = []   # (intent, text, group)
with open('data/chat-corpus/en.tsv', encoding='utf-8') as f:
    for n, line in enumerate(f, 1):
        if not line.strip() or line.startswith('#'):
            continue
        fields = line.rstrip('\n').split('\t')
        corpus.append((fields[0], fields[1], fields[2] if len(fields) > 2 and fields[2] else str(n)))


def unlabelled_text():
    path = os.path.join(WORK, 'unlabelled.txt')
    with open(path, 'w', encoding='utf-8') as out:
        def put(text):
            text = clean(text)
            if text:
                out.write(text + '\n')
        for name in ('banking77/train.csv', 'banking77/test.csv', 'clinc150/train.csv', 'clinc150/val.csv'):
            with open(data(name), encoding='utf-8') as f:
                for row in csv.DictReader(f):
                    put(row['text'])
        with gzip.open(data('amazon-musical-instruments/reviews_Musical_Instruments_5.json.gz'), 'rt') as f:
            for line in f:
                review = json.loads(line)
                put(review.get('summary', ''))
                for sentence in re.split(r'(?<=[.!?])\s+', review.get('reviewText', '')):
                    put(sentence)
        titles = set()
        with gzip.open(data('online-retail/online_retail.csv.gz'), 'rt', encoding='utf-8') as f:
            for row in csv.DictReader(f):
                if row['Description'] and row['Description'] not in titles:
                    titles.add(row['Description'])
                    put(row['Description'])
        for _, text, _ in corpus:
            put(text)
    return path


def labelled_queries():
    rows = []
    for name, column, mapping in (('banking77/train.csv', 'category', BANKING77_MAP),
                                  ('banking77/test.csv', 'category', BANKING77_MAP),
                                  ('clinc150/train.csv', 'intent', CLINC150_MAP)):
        with open(data(name), encoding='utf-8') as f:
            rows += [(mapping[r[column]], r['text'], 'other') for r in csv.DictReader(f) if r[column] in mapping]
    return rows


def train(rows, name, vectors=None):
    path = os.path.join(WORK, name + '.txt')
    with open(path, 'w', encoding='utf-8') as out:
        for intent, text, _ in rows:
            out.write('__label__%s %s\n' % (intent, clean(text)))
    subprocess.run(['fasttext', 'supervised', '-input', path, '-output', os.path.join(WORK, name),
                    '-epoch', '25', '-lr', '0.5', '-wordNgrams', '2', '-minn', '3', '-maxn', '5',
                    '-dim', '100', '-thread', THREADS, '-verbose', '0']
                   + (['-pretrainedVectors', vectors] if vectors else []), check=True)
    return os.path.join(WORK, name + '.bin')


def predict(model, texts):
    path = os.path.join(WORK, 'predict.txt')
    with open(path, 'w', encoding='utf-8') as out:
        for text in texts:
            out.write(clean(text) + '\n')
    res = subprocess.run(['fasttext', 'predict', model, path], capture_output=True, text=True, check=True)
    return [l.replace('__label__', '') for l in res.stdout.split('\n')[:len(texts)]]


def read_map(name):
    m = {}
    with open(os.path.join('tests/fixtures', name), encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                label, intents = line.split('\t')
                m[label] = [] if intents == 'skip' else intents.split('|')
    return m


def mapped(model, path, text_col, label_col, map_name):
    m = read_map(map_name)
    with open(data(path), encoding='utf-8') as f:
        rows = [(r[text_col], m[r[label_col]]) for r in csv.DictReader(f) if m[r[label_col]]]
    got = predict(model, [t for t, _ in rows])
    return sum(g in ok for g, (_, ok) in zip(got, rows)) / len(rows)


def measure(extra, vectors):
    rng = random.Random(14)
    groups = {}
    for intent, _, g in corpus:
        gs = groups.setdefault(intent, [])
        if g not in gs:
            gs.append(g)
    fold = {}
    for intent in sorted(groups):
        rng.shuffle(groups[intent])
        for i, g in enumerate(groups[intent]):
            fold[g] = i % 5
    acc = []
    for f in range(5):
        model = train([r for r in corpus if fold[r[2]] != f] + extra, 'fold', vectors)
        test = [r for r in corpus if fold[r[2]] == f]
        got = predict(model, [r[1] for r in test])
        acc.append(sum(g == r[0] for g, r in zip(got, test)) / len(test))
    whole = train(corpus + extra, 'whole', vectors)
    return (sum(acc) / 5,
            mapped(whole, 'bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv',
                   'instruction', 'intent', 'bitext-intent-map.tsv'),
            mapped(whole, 'hint3/hint3_curekart_train.csv', 'text', 'label', 'hint3-curekart-intent-map.tsv'),
            mapped(whole, 'hint3/hint3_sofmattress_train.csv', 'text', 'label', 'hint3-sofmattress-intent-map.tsv'))


vectors = os.path.join(WORK, 'unlabelled')
subprocess.run(['fasttext', 'skipgram', '-input', unlabelled_text(), '-output', vectors, '-dim', '100',
                '-minn', '3', '-maxn', '5', '-epoch', '10', '-thread', THREADS, '-verbose', '0'], check=True)

print('%-40s %9s %7s %9s %12s' % ('variant', 'held out', 'Bitext', 'CureKart', 'SOF Mattress'))
for label, extra, vec in (('corpus alone', [], None),
                          ('starting from unlabelled-text vectors', [], vectors + '.vec'),
                          ('with other sets\' labelled queries', labelled_queries(), None)):
    print('%-40s %9.4f %7.4f %9.4f %12.4f' % ((label,) + measure(extra, vec)))
