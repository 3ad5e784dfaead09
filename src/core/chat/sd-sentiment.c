/* sd-sentiment.c — a class-weighted softmax regression over hashed text features */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <zlib.h>

#include "sd-chat-corpus.h"
#include "sd-error.h"
#include "sd-json.h"
#include "sd-sentiment.h"
#include "sd-text-features.h"

#define MAX_TEXT_BYTES 4096
#define SAVE_MAGIC "SDSENT01"
#define SAVE_MAGIC_COMPACT "SDSENT02"

struct _SdSentiment
{
  GObject  parent_instance;

  guint    bits;
  guint32  mask;
  float   *w;          /* (mask + 1) × SD_N_SENTIMENTS, row-major by bucket */
  float    bias[SD_N_SENTIMENTS];

  /* Platt scaling of the negative class's log-odds and the decision threshold, per
   * script: reviews and chats in Chinese and in English reach the model with different
   * base rates and lengths, so one scale would be right for neither. */
  gboolean calibrated;
  float    cal_a[SD_N_SENTIMENT_SCRIPTS];
  float    cal_b[SD_N_SENTIMENT_SCRIPTS];
  float    threshold[SD_N_SENTIMENT_SCRIPTS];
};

G_DEFINE_FINAL_TYPE (SdSentiment, sd_sentiment, G_TYPE_OBJECT)

static const char *const label_names[SD_N_SENTIMENTS] = { "negative", "neutral", "positive" };

const char *
sd_sentiment_label_to_string (SdSentimentLabel label)
{
  g_return_val_if_fail (label < SD_N_SENTIMENTS, NULL);
  return label_names[label];
}

void
sd_sentiment_options_init (SdSentimentOptions *options)
{
  options->epochs = 5;
  options->learning_rate = 0.1;
  options->l2 = 1e-6;
  options->class_weights = TRUE;
  options->seed = 42;
  options->sources = NULL;
}

static void
sd_sentiment_finalize (GObject *object)
{
  SdSentiment *self = SD_SENTIMENT (object);
  g_free (self->w);
  G_OBJECT_CLASS (sd_sentiment_parent_class)->finalize (object);
}

static void
sd_sentiment_class_init (SdSentimentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_sentiment_finalize;
}

static void
sd_sentiment_init (SdSentiment *self)
{
}

SdSentiment *
sd_sentiment_new (guint hash_bits)
{
  g_return_val_if_fail (hash_bits >= 10 && hash_bits <= 24, NULL);
  SdSentiment *self = g_object_new (SD_TYPE_SENTIMENT, NULL);
  self->bits = hash_bits;
  self->mask = (1u << hash_bits) - 1;
  self->w = g_new0 (float, (gsize) (self->mask + 1) * SD_N_SENTIMENTS);
  for (guint s = 0; s < SD_N_SENTIMENT_SCRIPTS; s++)
    {
      self->cal_a[s] = 1.0f;
      self->threshold[s] = 0.5f;
    }
  return self;
}

SdSentimentScript
sd_sentiment_script_of (const char *text)
{
  const char *end = text;

  /* Only the valid prefix: stepping through invalid UTF-8 can pass the terminating NUL. */
  if (text)
    g_utf8_validate (text, -1, &end);
  for (const char *p = text; p && p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF))
        return SD_SENTIMENT_SCRIPT_CJK;
    }
  return SD_SENTIMENT_SCRIPT_LATIN;
}

/* Words an unhappy customer uses in a chat more than in a review. Each adds the shared
 * feature "complain" besides its own word, so a complaint word seen rarely in training
 * still borrows the weight of the others. */
static const char *const en_complaint_words[] = {
  "ridiculous", "unacceptable", "terrible", "awful", "horrible", "worst", "disgusting",
  "useless", "scam", "rubbish", "pathetic", "disappointed", "disappointing", "furious",
  "angry", "annoyed", "annoying", "fed", "complaint", "complain", "refund", "broken",
  "damaged", "missing", "wrong", "late", "nobody", "ignored", "ignoring", "fraud",
  "unhappy", "lousy", "shocking", "appalling", "outrageous", "sick", "tired",
  "frustrated", "frustrating", "upset", "incompetent", "rude", "hopeless", "waste",
  NULL
};
static const char *const zh_complaint_words[] = {
  "投诉", "退款", "垃圾", "太差", "差劲", "失望", "骗", "坑", "气死", "无语", "烂",
  "退货", "到底", "破", "坏了", "不满", "恶心", "生气", "离谱", "太慢", "等了", "催",
  "没人", "不理", "糟糕", "过分", "忽悠", "后悔", NULL
};

static gboolean
word_in (const char *word, const char *const *list)
{
  for (guint i = 0; list[i]; i++)
    if (strcmp (word, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The chat-specific signals of an unhappy customer: "still" and "again" (something
 * should have happened by now), "!!!", words in capitals, waiting, complaint words, and
 * in Chinese 还没, 怎么还, 又, 一直, 差评. Appended to @idx as hashed features. */
static void
append_signals (const char *text, GArray *idx)
{
  /* Chat text may be any bytes: walking characters of invalid UTF-8 can step past the end,
   * so both walks below run over a valid copy. */
  g_autofree char *valid = g_utf8_make_valid (text, strnlen (text, MAX_TEXT_BYTES));
  g_autofree char *lower = g_utf8_strdown (valid, -1);
  guint32 h;
  gboolean complained = FALSE;

#define SIGNAL(name) (h = sd_text_feature_hash ("sig", name), g_array_append_val (idx, h))
  /* words, split at anything that is not a letter, digit or apostrophe */
  {
    g_autoptr(GString) word = g_string_new (NULL);
    guint caps_words = 0;
    const char *start = valid;
    for (const char *p = lower;; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);
        if (*p && c < 0x2E80 && (g_unichar_isalnum (c) || c == '\'' || c == 0x2019))
          {
            g_string_append_unichar (word, c);
            continue;
          }
        if (word->len > 0)
          {
            if (strcmp (word->str, "still") == 0)
              SIGNAL ("still");
            else if (strcmp (word->str, "again") == 0)
              SIGNAL ("again");
            else if (g_str_has_prefix (word->str, "wait"))
              SIGNAL ("wait");
            if (word_in (word->str, en_complaint_words))
              complained = TRUE;
            g_string_truncate (word, 0);
          }
        if (!*p)
          break;
      }
    /* capitals: counted on the original text, a word of three or more letters */
    guint run = 0;
    gboolean lower_seen = FALSE;
    for (const char *p = start; ; p = g_utf8_next_char (p))
      {
        gunichar c = *p ? g_utf8_get_char (p) : 0;
        if (c && g_unichar_isalpha (c) && c < 0x2E80)
          {
            run++;
            lower_seen |= !g_unichar_isupper (c);
            continue;
          }
        if (run >= 3 && !lower_seen)
          caps_words++;
        run = 0;
        lower_seen = FALSE;
        if (!c)
          break;
      }
    if (caps_words > 0)
      SIGNAL ("caps");
  }
  if (strstr (lower, "!!") || strstr (lower, "！！") || strstr (lower, "?!") || strstr (lower, "？！"))
    SIGNAL ("!!");
  if (strstr (lower, "还没") || strstr (lower, "还是没"))
    SIGNAL ("还没");
  if (strstr (lower, "怎么还"))
    SIGNAL ("怎么还");
  if (strstr (lower, "差评"))
    SIGNAL ("差评");
  if (strstr (lower, "又"))
    SIGNAL ("again");
  if (strstr (lower, "一直") || strstr (lower, "仍然") || strstr (lower, "依然"))
    SIGNAL ("still");
  for (guint i = 0; zh_complaint_words[i] && !complained; i++)
    complained = strstr (lower, zh_complaint_words[i]) != NULL;
  if (complained)
    SIGNAL ("complain");
#undef SIGNAL
}

/* Whether a request carries a mood signal: "why is my order still not here" under
 * order_status may be asked calmly or not, so it is no example of a neutral message. */
gboolean
sd_sentiment_has_signals (const char *text)
{
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint32));
  append_signals (text, idx);
  return idx->len > 0;
}

gboolean
sd_sentiment_is_bare_request (const char *text)
{
  guint words = 0, cjk = 0;
  gboolean in_word = FALSE;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_type (c) == G_UNICODE_OTHER_LETTER)
        cjk++;
      else if (g_unichar_isspace (c))
        in_word = FALSE;
      else if (!in_word)
        {
          words++;
          in_word = TRUE;
        }
    }
  if (cjk > 0 ? cjk > 6 || words > 1 : words > 3)
    return FALSE;
  /* the complaint words that also name a request's topic ("refund status", 退款进度) do
   * not make a bare request upset: blanked out before the signals are looked for */
  static const char *const topics[] = { "refund", "退款", "退货", NULL };
  g_autofree char *lower = g_utf8_strdown (text, -1);
  for (guint i = 0; topics[i]; i++)
    for (char *hit = strstr (lower, topics[i]); hit; hit = strstr (hit, topics[i]))
      memset (hit, ' ', strlen (topics[i]));
  return !sd_sentiment_has_signals (lower);
}

/* Features of @text as bucket indices; returns the weight each gets (1/sqrt(n), so long
 * reviews and one-word chats land on the same scale). */
static float
featurize (SdSentiment *self, const char *text, GArray *idx)
{
  g_array_set_size (idx, 0);
  /* character 3-grams too: out-of-fold English PR-AUC 0.935 → 0.940, and typed typos
   * ("ridiculus") keep most of their word's weight */
  sd_text_features_full (text, MAX_TEXT_BYTES, SD_TEXT_FEATURES_SUBWORDS, idx);
  if (text)
    append_signals (text, idx);
  for (guint i = 0; i < idx->len; i++)
    g_array_index (idx, guint32, i) &= self->mask;
  return idx->len ? 1.0f / sqrtf ((float) idx->len) : 0.0f;
}

static void
scores (SdSentiment *self, GArray *idx, float x, double *prob)
{
  double z[SD_N_SENTIMENTS];
  for (guint k = 0; k < SD_N_SENTIMENTS; k++)
    z[k] = self->bias[k];
  for (guint i = 0; i < idx->len; i++)
    {
      const float *row = self->w + (gsize) g_array_index (idx, guint32, i) * SD_N_SENTIMENTS;
      for (guint k = 0; k < SD_N_SENTIMENTS; k++)
        z[k] += x * row[k];
    }
  double max = z[0];
  for (guint k = 1; k < SD_N_SENTIMENTS; k++)
    max = MAX (max, z[k]);
  double sum = 0;
  for (guint k = 0; k < SD_N_SENTIMENTS; k++)
    sum += (prob[k] = exp (z[k] - max));
  for (guint k = 0; k < SD_N_SENTIMENTS; k++)
    prob[k] /= sum;
}

gboolean
sd_sentiment_train (SdSentiment               *self,
                    const char *const         *texts,
                    const SdSentimentLabel    *labels,
                    guint                      n,
                    const SdSentimentOptions  *options,
                    GCancellable              *cancellable,
                    GError                   **error)
{
  g_return_val_if_fail (SD_IS_SENTIMENT (self), FALSE);
  SdSentimentOptions defaults;
  if (options == NULL)
    {
      sd_sentiment_options_init (&defaults);
      options = &defaults;
    }
  if (n == 0)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("No texts to train the sentiment model on"));
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    if (labels[i] >= SD_N_SENTIMENTS)
      {
        g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                     _("Sentiment training row %u has an unknown label %d"), i, labels[i]);
        return FALSE;
      }

  /* Class weights, within each source when sources are given: a class rare in one source
   * (negative musical-instrument reviews) is not drowned by the same class plentiful in
   * another (negative Chinese reviews), which would leave its language's words unlearnt. */
  guint n_sources = 1;
  for (guint i = 0; options->sources && i < n; i++)
    n_sources = MAX (n_sources, options->sources[i] + 1);
  g_autofree guint *counts = g_new0 (guint, n_sources * SD_N_SENTIMENTS);
  g_autofree guint *totals = g_new0 (guint, n_sources);
  g_autofree double *cw = g_new (double, n_sources * SD_N_SENTIMENTS);
  for (guint i = 0; i < n; i++)
    {
      guint src = options->sources ? options->sources[i] : 0;
      counts[src * SD_N_SENTIMENTS + labels[i]]++;
      totals[src]++;
    }
  for (guint src = 0; src < n_sources; src++)
    {
      guint present = 0;
      for (guint k = 0; k < SD_N_SENTIMENTS; k++)
        present += counts[src * SD_N_SENTIMENTS + k] > 0;
      for (guint k = 0; k < SD_N_SENTIMENTS; k++)
        {
          guint c = counts[src * SD_N_SENTIMENTS + k];
          cw[src * SD_N_SENTIMENTS + k] = options->class_weights && c ? (double) totals[src] / (present * c) : 1.0;
        }
    }

  /* Featurise once: training revisits every text each epoch. */
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree guint *start = g_new (guint, n + 1);
  g_autofree float *xval = g_new (float, n);
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < n; i++)
    {
      start[i] = all->len;
      xval[i] = featurize (self, texts[i], idx);
      g_array_append_vals (all, idx->data, idx->len);
    }
  start[n] = all->len;

  gsize n_w = (gsize) (self->mask + 1) * SD_N_SENTIMENTS;
  g_autofree float *g2 = g_new0 (float, n_w);
  double g2b[SD_N_SENTIMENTS] = { 0 };
  memset (self->w, 0, n_w * sizeof (float));
  memset (self->bias, 0, sizeof self->bias);

  g_autofree guint *order = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) options->seed);
  const float lr = options->learning_rate;

  for (guint epoch = 0; epoch < options->epochs; epoch++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      for (guint i = n; i > 1; i--)
        {
          guint j = g_rand_int_range (rand, 0, i);
          guint t = order[i - 1];
          order[i - 1] = order[j];
          order[j] = t;
        }
      for (guint oi = 0; oi < n; oi++)
        {
          guint r = order[oi];
          GArray view = { (gchar *) (all->data + start[r] * sizeof (guint32)), start[r + 1] - start[r] };
          double prob[SD_N_SENTIMENTS];
          scores (self, &view, xval[r], prob);
          double grad[SD_N_SENTIMENTS];
          for (guint k = 0; k < SD_N_SENTIMENTS; k++)
            grad[k] = cw[(options->sources ? options->sources[r] : 0) * SD_N_SENTIMENTS + labels[r]] *
                      (prob[k] - (k == labels[r]));
          for (guint k = 0; k < SD_N_SENTIMENTS; k++)
            {
              g2b[k] += grad[k] * grad[k];
              self->bias[k] -= lr * grad[k] / (sqrt (g2b[k]) + 1e-8);
            }
          for (guint f = start[r]; f < start[r + 1]; f++)
            {
              gsize base = (gsize) g_array_index (all, guint32, f) * SD_N_SENTIMENTS;
              for (guint k = 0; k < SD_N_SENTIMENTS; k++)
                {
                  float g = grad[k] * xval[r] + options->l2 * self->w[base + k];
                  g2[base + k] += g * g;
                  self->w[base + k] -= lr * g / (sqrtf (g2[base + k]) + 1e-8f);
                }
            }
        }
    }
  return TRUE;
}

void
sd_sentiment_predict (SdSentiment       *self,
                      const char        *text,
                      SdSentimentResult *result)
{
  g_return_if_fail (SD_IS_SENTIMENT (self));
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint32));
  float x = featurize (self, text, idx);
  scores (self, idx, x, result->prob);
  if (!self->calibrated)
    {
      result->label = 0;
      for (guint k = 1; k < SD_N_SENTIMENTS; k++)
        if (result->prob[k] > result->prob[result->label])
          result->label = k;
      return;
    }

  /* The calibrated chance of "negative" replaces the raw one; the other two keep their
   * ratio. Negative is decided by its own threshold, and only when the raw model finds
   * the text no more neutral than negative: calibration is fitted on reviews, where
   * nothing is neutral, and would otherwise hear "where is my order?" as upset. */
  SdSentimentScript script = sd_sentiment_script_of (text);
  gboolean more_negative_than_neutral = result->prob[SD_SENTIMENT_NEGATIVE] >= result->prob[SD_SENTIMENT_NEUTRAL];
  if (!more_negative_than_neutral)
    {
      /* not negative, whatever calibration would say: the raw chances stay, so a label
       * is never shown beside a larger chance of "negative" ("neutral (neg 0.86)") */
      result->label = result->prob[SD_SENTIMENT_POSITIVE] > result->prob[SD_SENTIMENT_NEUTRAL]
                    ? SD_SENTIMENT_POSITIVE : SD_SENTIMENT_NEUTRAL;
      return;
    }
  double p = CLAMP (result->prob[SD_SENTIMENT_NEGATIVE], 1e-9, 1 - 1e-9);
  double z = self->cal_a[script] * log (p / (1 - p)) + self->cal_b[script];
  double q = 1 / (1 + exp (-z));
  double rest = 1 - p;
  result->prob[SD_SENTIMENT_NEUTRAL] *= (1 - q) / rest;
  result->prob[SD_SENTIMENT_POSITIVE] *= (1 - q) / rest;
  result->prob[SD_SENTIMENT_NEGATIVE] = q;
  if (q >= self->threshold[script])
    result->label = SD_SENTIMENT_NEGATIVE;
  else
    result->label = result->prob[SD_SENTIMENT_POSITIVE] > result->prob[SD_SENTIMENT_NEUTRAL]
                  ? SD_SENTIMENT_POSITIVE : SD_SENTIMENT_NEUTRAL;
}

double
sd_sentiment_negative_logit (SdSentiment *self,
                             const char  *text)
{
  g_return_val_if_fail (SD_IS_SENTIMENT (self), 0);
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint32));
  double prob[SD_N_SENTIMENTS];
  float x = featurize (self, text, idx);
  scores (self, idx, x, prob);
  double p = CLAMP (prob[SD_SENTIMENT_NEGATIVE], 1e-9, 1 - 1e-9);
  return log (p / (1 - p));
}

void
sd_sentiment_set_calibration (SdSentiment       *self,
                              SdSentimentScript  script,
                              double             a,
                              double             b,
                              double             threshold)
{
  g_return_if_fail (SD_IS_SENTIMENT (self));
  g_return_if_fail (script < SD_N_SENTIMENT_SCRIPTS);
  self->calibrated = TRUE;
  self->cal_a[script] = a;
  self->cal_b[script] = b;
  self->threshold[script] = threshold;
}

gboolean
sd_sentiment_get_calibration (SdSentiment       *self,
                              SdSentimentScript  script,
                              double            *a,
                              double            *b,
                              double            *threshold)
{
  g_return_val_if_fail (SD_IS_SENTIMENT (self), FALSE);
  g_return_val_if_fail (script < SD_N_SENTIMENT_SCRIPTS, FALSE);
  if (a)
    *a = self->cal_a[script];
  if (b)
    *b = self->cal_b[script];
  if (threshold)
    *threshold = self->threshold[script];
  return self->calibrated;
}

static void
finish_eval (SdSentimentEval *eval)
{
  guint correct = 0;
  double f1_sum = 0;
  guint classes = 0;
  for (guint k = 0; k < SD_N_SENTIMENTS; k++)
    {
      correct += eval->confusion[k][k];
      guint gold = 0, pred = 0;
      for (guint j = 0; j < SD_N_SENTIMENTS; j++)
        {
          gold += eval->confusion[k][j];
          pred += eval->confusion[j][k];
        }
      double p = pred ? (double) eval->confusion[k][k] / pred : 0;
      double r = gold ? (double) eval->confusion[k][k] / gold : 0;
      eval->f1[k] = p + r > 0 ? 2 * p * r / (p + r) : 0;
      if (gold > 0)
        {
          f1_sum += eval->f1[k];
          classes++;
        }
    }
  eval->accuracy = eval->n ? (double) correct / eval->n : 0;
  eval->macro_f1 = classes ? f1_sum / classes : 0;
}

void
sd_sentiment_evaluate (SdSentiment            *self,
                       const char *const      *texts,
                       const SdSentimentLabel *labels,
                       guint                   n,
                       SdSentimentEval        *eval)
{
  memset (eval, 0, sizeof *eval);
  eval->n = n;
  for (guint i = 0; i < n; i++)
    {
      SdSentimentResult r;
      sd_sentiment_predict (self, texts[i], &r);
      eval->confusion[labels[i]][r.label]++;
    }
  finish_eval (eval);
}

void
sd_sentiment_evaluate_constant (SdSentimentLabel        label,
                                const SdSentimentLabel *labels,
                                guint                   n,
                                SdSentimentEval        *eval)
{
  memset (eval, 0, sizeof *eval);
  eval->n = n;
  for (guint i = 0; i < n; i++)
    eval->confusion[labels[i]][label]++;
  finish_eval (eval);
}

/* The compact format: the calibration, then each class's weights as int8 with one scale
 * per class (most weights are near zero; a step of max/127 changes no decision that
 * matters, and the held-out figures are measured on the saved model). Floats are written
 * in the host's order: every platform Shopdesk targets is little-endian. */
GBytes *
sd_sentiment_save (SdSentiment *self)
{
  g_return_val_if_fail (SD_IS_SENTIMENT (self), NULL);
  GByteArray *out = g_byte_array_new ();
  guint32 head[2] = { GUINT32_TO_LE (self->bits), GUINT32_TO_LE (self->calibrated) };
  gsize n = (gsize) self->mask + 1;
  float scale[SD_N_SENTIMENTS] = { 0 };

  for (gsize i = 0; i < n; i++)
    for (guint k = 0; k < SD_N_SENTIMENTS; k++)
      scale[k] = MAX (scale[k], fabsf (self->w[i * SD_N_SENTIMENTS + k]));
  for (guint k = 0; k < SD_N_SENTIMENTS; k++)
    scale[k] = scale[k] > 0 ? scale[k] / 127.0f : 1.0f;

  g_byte_array_append (out, (const guint8 *) SAVE_MAGIC_COMPACT, 8);
  g_byte_array_append (out, (const guint8 *) head, sizeof head);
  g_byte_array_append (out, (const guint8 *) self->bias, sizeof self->bias);
  g_byte_array_append (out, (const guint8 *) self->cal_a, sizeof self->cal_a);
  g_byte_array_append (out, (const guint8 *) self->cal_b, sizeof self->cal_b);
  g_byte_array_append (out, (const guint8 *) self->threshold, sizeof self->threshold);
  g_byte_array_append (out, (const guint8 *) scale, sizeof scale);
  g_autofree gint8 *q = g_new (gint8, n * SD_N_SENTIMENTS);
  for (gsize i = 0; i < n * SD_N_SENTIMENTS; i++)
    q[i] = (gint8) lrintf (self->w[i] / scale[i % SD_N_SENTIMENTS]);
  g_byte_array_append (out, (const guint8 *) q, (guint) (n * SD_N_SENTIMENTS));
  return g_byte_array_free_to_bytes (out);
}

#define COMPACT_HEADER (8 + 8 + sizeof (float) * (2 * SD_N_SENTIMENTS + 3 * SD_N_SENTIMENT_SCRIPTS))

SdSentiment *
sd_sentiment_load (GBytes  *bytes,
                   GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  guint32 bits = 0;
  if (len >= 12)
    memcpy (&bits, data + 8, 4);
  bits = GUINT32_FROM_LE (bits);
  gboolean compact = len >= 12 && memcmp (data, SAVE_MAGIC_COMPACT, 8) == 0;
  gsize n = bits >= 10 && bits <= 24 ? (gsize) 1 << bits : 0;
  if (n == 0 ||
      (compact && len != COMPACT_HEADER + n * SD_N_SENTIMENTS) ||
      (!compact && (memcmp (data, SAVE_MAGIC, 8) != 0 ||
                    len != 12 + sizeof (float) * SD_N_SENTIMENTS * (1 + n))))
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                           _("This is not a saved Shopdesk sentiment model, or it is damaged"));
      return NULL;
    }
  SdSentiment *self = sd_sentiment_new (bits);
  if (!compact)
    {
      memcpy (self->bias, data + 12, sizeof self->bias);
      memcpy (self->w, data + 12 + sizeof self->bias, len - 12 - sizeof self->bias);
      return self;
    }
  guint32 calibrated;
  float scale[SD_N_SENTIMENTS];
  const guint8 *p = data + 12;
  memcpy (&calibrated, p, 4);
  p += 4;
  self->calibrated = GUINT32_FROM_LE (calibrated) != 0;
  memcpy (self->bias, p, sizeof self->bias);
  p += sizeof self->bias;
  memcpy (self->cal_a, p, sizeof self->cal_a);
  p += sizeof self->cal_a;
  memcpy (self->cal_b, p, sizeof self->cal_b);
  p += sizeof self->cal_b;
  memcpy (self->threshold, p, sizeof self->threshold);
  p += sizeof self->threshold;
  memcpy (scale, p, sizeof scale);
  p += sizeof scale;
  for (gsize i = 0; i < n * SD_N_SENTIMENTS; i++)
    self->w[i] = ((const gint8 *) p)[i] * scale[i % SD_N_SENTIMENTS];
  return self;
}

/* --- the built-in corpus ------------------------------------------------------ */

static gboolean
label_from_string (const char *s, SdSentimentLabel *out)
{
  for (guint k = 0; k < SD_N_SENTIMENTS; k++)
    if (g_strcmp0 (s, label_names[k]) == 0)
      {
        *out = k;
        return TRUE;
      }
  return FALSE;
}

typedef struct {
  GPtrArray *texts;
  GArray    *labels;
} BuiltinData;

/* One line of sentiment.tsv: label, language, text. */
static gboolean
collect_builtin (const char *const *fields, gpointer data, GError **error)
{
  BuiltinData *d = data;
  SdSentimentLabel label;

  if (!label_from_string (fields[0], &label))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("“%s” is not a sentiment label (negative, neutral, positive)"), fields[0]);
      return FALSE;
    }
  g_ptr_array_add (d->texts, g_strdup (fields[2]));
  g_array_append_val (d->labels, label);
  return TRUE;
}

gboolean
sd_sentiment_builtin_corpus (GPtrArray  *texts,
                             GArray     *labels,
                             GError    **error)
{
  BuiltinData d = { texts, labels };

  if (!sd_chat_corpus_read_builtin_tsv ("sentiment.tsv", 3, collect_builtin, &d, error))
    return FALSE;

  /* The intent corpus adds chat-like phrasing: complaints and delivery problems are
   * negative (a customer whose parcel is late or broken is not calm, though they seldom
   * say "complaint"), thanks positive, and plain requests neutral: one in four, so neutral
   * does not swamp the others, but every out-of-scope line, where everyday words such as
   * "joke" live that complaints also use; none with a mood signal. */
  g_autoptr(GPtrArray) examples = sd_chat_corpus_builtin_examples (NULL, error);
  if (examples == NULL)
    return FALSE;
  for (guint i = 0; i < examples->len; i++)
    {
      SdChatExample *e = examples->pdata[i];
      SdSentimentLabel label;
      if (strcmp (e->intent, "complaint") == 0 || strcmp (e->intent, "delivery_problem") == 0)
        label = SD_SENTIMENT_NEGATIVE;
      else if (strcmp (e->intent, "thanks") == 0)
        label = SD_SENTIMENT_POSITIVE;
      else if ((i % 4 == 0 || strcmp (e->intent, "out_of_scope") == 0) && !sd_sentiment_has_signals (e->text))
        label = SD_SENTIMENT_NEUTRAL;
      else
        continue;
      g_ptr_array_add (texts, g_strdup (e->text));
      g_array_append_val (labels, label);
    }
  return TRUE;
}

#define SHIPPED_MODEL "/io/github/shopdesk/Shopdesk/core/chat/sentiment.bin"

SdSentiment *
sd_sentiment_new_builtin (GError **error)
{
  /* The shipped model (trained on review data by data/chat-corpus/make-sentiment-model.sh)
   * loads in milliseconds; without it, a small model is trained on the chat corpus. */
  g_autoptr(GBytes) shipped = g_resources_lookup_data (SHIPPED_MODEL, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (shipped != NULL)
    return sd_sentiment_load (shipped, error);

  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (SdSentimentLabel));
  if (!sd_sentiment_builtin_corpus (texts, labels, error))
    return NULL;

  g_autoptr(SdSentiment) self = sd_sentiment_new (16);
  SdSentimentOptions options;
  sd_sentiment_options_init (&options);
  options.epochs = 20;
  if (!sd_sentiment_train (self, (const char *const *) texts->pdata,
                           (const SdSentimentLabel *) labels->data, texts->len,
                           &options, NULL, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* --- Amazon review JSON lines --------------------------------------------------- */

/* Reads the lines of @path (gzip or plain) into @out, @max_lines non-blank ones at most
 * (0: all). */
static gboolean
read_json_lines (const char  *path,
                 guint        max_lines,
                 GString     *out,
                 GError     **error)
{
  gzFile gz = gzopen (path, "rb");
  char buf[65536];
  guint lines = 0;
  gboolean blank = TRUE;

  if (gz == NULL)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("Could not open %s"), path);
      return FALSE;
    }
  while ((max_lines == 0 || lines < max_lines) && gzgets (gz, buf, sizeof buf))
    {
      gsize len = strlen (buf);

      g_string_append_len (out, buf, len);
      for (gsize i = 0; i < len && blank; i++)
        blank = g_ascii_isspace (buf[i]);
      if (len > 0 && buf[len - 1] == '\n')
        {
          lines += !blank;
          blank = TRUE;
        }
    }
  gzclose (gz);
  return TRUE;
}

gboolean
sd_sentiment_read_reviews (const char  *path,
                           guint        max_rows,
                           GPtrArray   *texts,
                           GArray      *labels,
                           GError     **error)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(SdJsonNode) reviews = NULL;

  if (!read_json_lines (path, max_rows, contents, error))
    return FALSE;
  reviews = sd_json_parse_lines (contents->str, contents->len, path, error);
  if (reviews == NULL)
    return FALSE;

  for (guint i = 0; i < sd_json_node_get_length (reviews); i++)
    {
      SdJsonNode *review = sd_json_node_get_element (reviews, i);
      SdJsonNode *overall = sd_json_node_get_member (review, "overall");
      const char *text = sd_json_node_get_member_string (review, "reviewText");
      const char *summary = sd_json_node_get_member_string (review, "summary");
      double rating = sd_json_node_get_number (overall);
      guint label;

      if (sd_json_node_get_node_type (overall) != SD_JSON_NUMBER || rating < 1 || rating > 5)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                       _("%s, line %u: no rating (“overall” 1–5)"), path, sd_json_node_get_line (review));
          return FALSE;
        }
      label = rating <= 2 ? SD_SENTIMENT_NEGATIVE
            : rating < 4 ? SD_SENTIMENT_NEUTRAL : SD_SENTIMENT_POSITIVE;
      g_ptr_array_add (texts, g_strconcat (summary ? summary : "", ". ", text ? text : "", NULL));
      g_array_append_val (labels, label);
    }
  return TRUE;
}
