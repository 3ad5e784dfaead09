/* sd-sentiment-data.c — review data for the shipped sentiment model, its split, its scores */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-intent-data.h"
#include "sd-sentiment-data.h"

static guint32
text_hash (const char *text)
{
  /* seeded FNV-1a: the same split every run, independent of file order */
  guint32 h = 2166136261u ^ 20261128u;
  for (const char *p = text; *p; p++)
    h = (h ^ (guchar) *p) * 16777619u;
  return h;
}

SdSentimentPart
sd_sentiment_part_of (const char *text)
{
  guint r = text_hash (text) % 10;
  return r == 0 || r == 5 ? SD_SENTIMENT_PART_TEST : SD_SENTIMENT_PART_TRAIN;
}

#define N_FOLDS 5

/* The cross-fitting fold of a training text. */
static guint
fold_of (const char *text)
{
  return text_hash (text) / 10 % N_FOLDS;
}

gboolean
sd_sentiment_read_chinese_reviews (const char  *path,
                                   GPtrArray   *texts,
                                   GArray      *labels,
                                   GError     **error)
{
  g_autoptr(SdIntentData) data = NULL;
  g_autoptr(GError) local = NULL;

  data = sd_intent_data_load (path, "text", "label", &local);
  if (data == NULL && g_error_matches (local, SD_ERROR, SD_ERROR_WRONG_FORMAT))
    {
      /* the corpus's original layout names the text "review" */
      g_clear_error (&local);
      data = sd_intent_data_load (path, "review", "label", &local);
    }
  if (data == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  for (guint i = 0; i < data->texts->len; i++)
    {
      const char *label = data->labels->pdata[i];
      guint l;
      if (strcmp (label, "0") == 0)
        l = SD_SENTIMENT_NEGATIVE;
      else if (strcmp (label, "1") == 0)
        l = SD_SENTIMENT_POSITIVE;
      else
        {
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                       _("%s, line %u: the label is “%s”, not 0 (negative) or 1 (positive)"),
                       path, g_array_index (data->lines, guint, i), label);
          return FALSE;
        }
      g_ptr_array_add (texts, g_strdup (data->texts->pdata[i]));
      g_array_append_val (labels, l);
    }
  return TRUE;
}

void
sd_sentiment_set_free (SdSentimentSet *set)
{
  if (set == NULL)
    return;
  g_ptr_array_unref (set->texts);
  g_array_unref (set->labels);
  g_free (set);
}

static SdSentimentSet *
set_new (void)
{
  SdSentimentSet *set = g_new0 (SdSentimentSet, 1);
  set->texts = g_ptr_array_new_with_free_func (g_free);
  set->labels = g_array_new (FALSE, FALSE, sizeof (SdSentimentLabel));
  return set;
}

static void
set_add (SdSentimentSet *set, const char *text, SdSentimentLabel label)
{
  g_ptr_array_add (set->texts, g_strdup (text));
  g_array_append_val (set->labels, label);
}

typedef struct {
  const char *text;
  guint32     order;
} Ranked;

static int
by_order (const void *a, const void *b)
{
  const Ranked *x = a, *y = b;
  if (x->order != y->order)
    return x->order < y->order ? -1 : 1;
  return strcmp (x->text, y->text);
}

/* Reads one or both data sets: @texts/@labels get every review, @is_cjk whether it came
 * from the Chinese file. */
static gboolean
read_all (const char  *amazon_path,
          const char  *chinese_path,
          GPtrArray   *texts,
          GArray      *labels,
          GArray      *is_cjk,
          GError     **error)
{
  if (amazon_path)
    {
      if (!sd_sentiment_read_reviews (amazon_path, 0, texts, labels, error))
        return FALSE;
    }
  gboolean f = FALSE, t = TRUE;
  while (is_cjk->len < texts->len)
    g_array_append_val (is_cjk, f);
  if (chinese_path)
    {
      if (!sd_sentiment_read_chinese_reviews (chinese_path, texts, labels, error))
        return FALSE;
    }
  while (is_cjk->len < texts->len)
    g_array_append_val (is_cjk, t);
  return TRUE;
}

/* The balanced negative-vs-positive set of @part from what read_all() read, for one
 * source (@cjk). */
static SdSentimentSet *
part_set (GPtrArray *texts, GArray *labels, GArray *is_cjk, gboolean cjk, SdSentimentPart part)
{
  SdSentimentSet *set = set_new ();
  g_autoptr(GArray) positives = g_array_new (FALSE, FALSE, sizeof (Ranked));
  guint negatives = 0;

  for (guint i = 0; i < texts->len; i++)
    {
      guint l = g_array_index (labels, guint, i);
      const char *text = texts->pdata[i];
      if (g_array_index (is_cjk, gboolean, i) != cjk || l == SD_SENTIMENT_NEUTRAL ||
          sd_sentiment_part_of (text) != part)
        continue;
      if (l == SD_SENTIMENT_NEGATIVE)
        {
          set_add (set, text, SD_SENTIMENT_NEGATIVE);
          negatives++;
        }
      else
        {
          /* a second hash of the text orders the positives to keep */
          Ranked r = { text, text_hash (text) * 2654435761u };
          g_array_append_val (positives, r);
        }
    }
  if (!cjk)
    {
      g_array_sort (positives, by_order);
      g_array_set_size (positives, MIN (positives->len, negatives));
    }
  for (guint i = 0; i < positives->len; i++)
    set_add (set, g_array_index (positives, Ranked, i).text, SD_SENTIMENT_POSITIVE);
  return set;
}

SdSentimentSet *
sd_sentiment_review_set (const char       *amazon_path,
                         const char       *chinese_path,
                         SdSentimentPart   part,
                         GError          **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) is_cjk = g_array_new (FALSE, FALSE, sizeof (gboolean));

  g_return_val_if_fail ((amazon_path == NULL) != (chinese_path == NULL), NULL);
  if (!read_all (amazon_path, chinese_path, texts, labels, is_cjk, error))
    return NULL;
  return part_set (texts, labels, is_cjk, chinese_path != NULL, part);
}

typedef struct {
  double score;
  gboolean negative;
} Scored;

static int
by_score_desc (const void *a, const void *b)
{
  const Scored *x = a, *y = b;
  /* among equal scores the positives first: a tie earns no precision */
  return x->score < y->score ? 1 : x->score > y->score ? -1 : x->negative - y->negative;
}

void
sd_sentiment_score (SdSentiment          *model,
                    const SdSentimentSet *set,
                    SdSentimentScore     *score)
{
  guint n = set->texts->len, tp = 0, fp = 0, correct = 0;
  g_autofree Scored *s = g_new (Scored, MAX (n, 1));

  memset (score, 0, sizeof *score);
  score->n = n;
  for (guint i = 0; i < n; i++)
    {
      SdSentimentResult r;
      gboolean gold = g_array_index (set->labels, SdSentimentLabel, i) == SD_SENTIMENT_NEGATIVE;
      sd_sentiment_predict (model, set->texts->pdata[i], &r);
      gboolean said = r.label == SD_SENTIMENT_NEGATIVE;
      s[i].score = r.prob[SD_SENTIMENT_NEGATIVE];
      s[i].negative = gold;
      score->n_negative += gold;
      tp += gold && said;
      fp += !gold && said;
      correct += gold == said;
    }
  score->recall = score->n_negative ? (double) tp / score->n_negative : 0;
  score->precision = tp + fp ? (double) tp / (tp + fp) : 0;
  score->accuracy = n ? (double) correct / n : 0;

  /* average precision: the precision at each negative, in order of score */
  qsort (s, n, sizeof *s, by_score_desc);
  guint hits = 0;
  double sum = 0;
  for (guint i = 0; i < n; i++)
    if (s[i].negative)
      sum += (double) ++hits / (i + 1);
  score->pr_auc = score->n_negative ? sum / score->n_negative : 0;
}

static double
softplus (double x)
{
  return x > 0 ? x + log1p (exp (-x)) : log1p (exp (x));
}

/* The log loss of σ(a·z + b) against the targets: −t·log σ(f) − (1−t)·log(1−σ(f)). */
static double
platt_loss (const double *z, const gboolean *y, guint n, double hi, double lo, double a, double b)
{
  double loss = 0;
  for (guint i = 0; i < n; i++)
    {
      double f = a * z[i] + b, t = y[i] ? hi : lo;
      loss += t * softplus (-f) + (1 - t) * softplus (f);
    }
  return loss;
}

/* Platt scaling: a, b minimising the log loss of σ(a·z + b) against @y, by Newton's
 * method with a backtracking line search (Lin, Lin and Weng's variant), on Platt's
 * smoothed targets ((n₊+1)/(n₊+2) and 1/(n₋+2)) so that a small validation set that
 * happens to separate does not send a to infinity. */
static void
fit_platt (const double *z, const gboolean *y, guint n, double *a_out, double *b_out)
{
  double a = 1, b = 0;
  guint n_pos = 0;
  for (guint i = 0; i < n; i++)
    n_pos += y[i];
  double hi = (n_pos + 1.0) / (n_pos + 2.0), lo = 1.0 / (n - n_pos + 2.0);
  double loss = platt_loss (z, y, n, hi, lo, a, b);
  for (guint iter = 0; iter < 100; iter++)
    {
      double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
      for (guint i = 0; i < n; i++)
        {
          double p = 1 / (1 + exp (-(a * z[i] + b)));
          double d = p - (y[i] ? hi : lo), w = p * (1 - p);
          ga += d * z[i];
          gb += d;
          haa += w * z[i] * z[i];
          hab += w * z[i];
          hbb += w;
        }
      if (fabs (ga) < 1e-7 && fabs (gb) < 1e-7)
        break;
      double det = haa * hbb - hab * hab;
      if (det <= 0)
        break;
      double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
      double step = 1;
      while (step >= 1e-10)
        {
          double next = platt_loss (z, y, n, hi, lo, a - step * da, b - step * db);
          if (next <= loss - 1e-4 * step * (ga * da + gb * db))
            {
              a -= step * da;
              b -= step * db;
              loss = next;
              break;
            }
          step /= 2;
        }
      if (step < 1e-10)
        break;
    }
  *a_out = a;
  *b_out = b;
}

/* The highest calibrated score at which at least @target_recall of the negatives among
 * @z (truth @y) are heard. */
static double
recall_threshold (double a, double b, const double *z, const gboolean *y, guint n, double target_recall)
{
  guint n_neg = 0, hits = 0;
  for (guint i = 0; i < n; i++)
    n_neg += y[i];
  if (n_neg == 0)
    return 1;
  g_autofree Scored *s = g_new (Scored, n);
  for (guint i = 0; i < n; i++)
    {
      s[i].score = 1 / (1 + exp (-(a * z[i] + b)));
      s[i].negative = y[i];
    }
  qsort (s, n, sizeof *s, by_score_desc);
  for (guint i = 0; i < n; i++)
    {
      hits += s[i].negative;
      if ((double) hits / n_neg >= target_recall)
        return s[i].score;
    }
  return 0;
}

/* Calibrates @model's @script from out-of-fold log-odds: Platt scaling on the balanced
 * reviews (@z, truth @y), then the threshold, the highest that hears at least
 * @target_recall of the negative reviews and of the chat corpus's complaints (@zc, @yc). */
static void
calibrate (SdSentiment *model, SdSentimentScript script, const double *z, const gboolean *y,
           guint n, const double *zc, const gboolean *yc, guint nc, double target_recall)
{
  if (n == 0)
    return;
  double a, b;
  fit_platt (z, y, n, &a, &b);
  double threshold = MIN (recall_threshold (a, b, z, y, n, target_recall),
                          recall_threshold (a, b, zc, yc, nc, target_recall));
  sd_sentiment_set_calibration (model, script, a, b, threshold);
}

typedef struct {
  GPtrArray *all;        /* every review read */
  GArray    *labels;     /* guint */
  GArray    *is_cjk;     /* gboolean */
  GPtrArray *chat;       /* the built-in chat corpus: always trained on */
  GArray    *chat_labels;
  guint      bits;
} Shipped;

/* A model trained on the chat corpus and the reviews of the training part outside
 * @held_fold (-1: all of them). */
static SdSentiment *
train_on (Shipped *d, int held_fold, GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (SdSentimentLabel));
  g_autoptr(GArray) sources = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < d->all->len; i++)
    {
      const char *text = d->all->pdata[i];
      if (sd_sentiment_part_of (text) != SD_SENTIMENT_PART_TRAIN || (int) fold_of (text) == held_fold)
        continue;
      SdSentimentLabel l = g_array_index (d->labels, guint, i);
      guint src = g_array_index (d->is_cjk, gboolean, i) ? 1 : 0;
      /* 3-star reviews are mixed (a fault and a compliment): taken as neutral they made
       * neutral look like a mild complaint, and a chat's neutral is a plain request */
      if (l == SD_SENTIMENT_NEUTRAL)
        continue;
      g_ptr_array_add (texts, (char *) text);
      g_array_append_val (labels, l);
      g_array_append_val (sources, src);
    }
  for (guint i = 0; i < d->chat->len; i++)
    {
      const char *text = d->chat->pdata[i];
      guint src = 2;
      if ((int) fold_of (text) == held_fold)
        continue;
      g_ptr_array_add (texts, (char *) text);
      g_array_append_val (labels, g_array_index (d->chat_labels, SdSentimentLabel, i));
      g_array_append_val (sources, src);
    }

  g_autoptr(SdSentiment) model = sd_sentiment_new (d->bits);
  SdSentimentOptions options;
  sd_sentiment_options_init (&options);
  /* 20 epochs rather than 5: out-of-fold English PR-AUC (never the test part) 0.937 →
   * 0.943, Chinese unchanged */
  options.epochs = 20;
  options.sources = (const guint *) sources->data;
  if (!sd_sentiment_train (model, (const char *const *) texts->pdata,
                           (const SdSentimentLabel *) labels->data, texts->len,
                           &options, cancellable, error))
    return NULL;
  return g_steal_pointer (&model);
}

SdSentiment *
sd_sentiment_train_shipped (const char    *amazon_path,
                            const char    *chinese_path,
                            guint          hash_bits,
                            double         target_recall,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) all_labels = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) is_cjk = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GPtrArray) chat = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) chat_labels = g_array_new (FALSE, FALSE, sizeof (SdSentimentLabel));

  if (!read_all (amazon_path, chinese_path, all, all_labels, is_cjk, error) ||
      !sd_sentiment_builtin_corpus (chat, chat_labels, error))
    return NULL;
  Shipped d = { all, all_labels, is_cjk, chat, chat_labels, hash_bits };

  /* Cross-fitting: each training text's log-odds come from a model that did not see it,
   * so calibration and the threshold rest on every training negative (a few hundred
   * English reviews) rather than on a small validation part. */
  g_autofree double *z = g_new0 (double, all->len);
  g_autofree double *zc = g_new0 (double, chat->len);
  for (guint f = 0; f < N_FOLDS; f++)
    {
      g_autoptr(SdSentiment) m = train_on (&d, f, cancellable, error);
      if (m == NULL)
        return NULL;
      for (guint i = 0; i < all->len; i++)
        if (sd_sentiment_part_of (all->pdata[i]) == SD_SENTIMENT_PART_TRAIN && fold_of (all->pdata[i]) == f)
          z[i] = sd_sentiment_negative_logit (m, all->pdata[i]);
      for (guint i = 0; i < chat->len; i++)
        if (fold_of (chat->pdata[i]) == f)
          zc[i] = sd_sentiment_negative_logit (m, chat->pdata[i]);
    }
  g_autoptr(SdSentiment) model = train_on (&d, -1, cancellable, error);
  if (model == NULL)
    return NULL;

  /* Per script: the scale from the balanced reviews, the threshold from them and from
   * the chat corpus's complaints (a short chat message scores lower than a long review;
   * a plain question is kept out by the neutral class, see sd_sentiment_predict()). */
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < all->len; i++)
    g_hash_table_insert (index, all->pdata[i], GUINT_TO_POINTER (i));
  for (guint s = 0; s < SD_N_SENTIMENT_SCRIPTS; s++)
    {
      gboolean cjk = s == SD_SENTIMENT_SCRIPT_CJK;
      g_autoptr(SdSentimentSet) set = part_set (all, all_labels, is_cjk, cjk, SD_SENTIMENT_PART_TRAIN);
      g_autoptr(GArray) sz = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) sy = g_array_new (FALSE, FALSE, sizeof (gboolean));
      g_autoptr(GArray) szc = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) syc = g_array_new (FALSE, FALSE, sizeof (gboolean));
      for (guint i = 0; i < set->texts->len; i++)
        {
          gboolean neg = g_array_index (set->labels, SdSentimentLabel, i) == SD_SENTIMENT_NEGATIVE;
          g_array_append_val (sz, z[GPOINTER_TO_UINT (g_hash_table_lookup (index, set->texts->pdata[i]))]);
          g_array_append_val (sy, neg);
        }
      for (guint i = 0; i < chat->len; i++)
        if (sd_sentiment_script_of (chat->pdata[i]) == s)
          {
            gboolean neg = g_array_index (chat_labels, SdSentimentLabel, i) == SD_SENTIMENT_NEGATIVE;
            g_array_append_val (szc, zc[i]);
            g_array_append_val (syc, neg);
          }
      calibrate (model, s, (double *) sz->data, (gboolean *) sy->data, sz->len,
                 (double *) szc->data, (gboolean *) syc->data, szc->len, target_recall);
    }
  return g_steal_pointer (&model);
}
