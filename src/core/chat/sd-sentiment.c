/* sd-sentiment.c — a class-weighted softmax regression over hashed text features */
#include "config.h"

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

struct _SdSentiment
{
  GObject  parent_instance;

  guint    bits;
  guint32  mask;
  float   *w;          /* (mask + 1) × SD_N_SENTIMENTS, row-major by bucket */
  float    bias[SD_N_SENTIMENTS];
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
  return self;
}

/* Features of @text as bucket indices; returns the weight each gets (1/sqrt(n), so long
 * reviews and one-word chats land on the same scale). */
static float
featurize (SdSentiment *self, const char *text, GArray *idx)
{
  g_array_set_size (idx, 0);
  sd_text_features (text, MAX_TEXT_BYTES, idx);
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
                           "No texts to train the sentiment model on");
      return FALSE;
    }

  guint counts[SD_N_SENTIMENTS] = { 0 };
  for (guint i = 0; i < n; i++)
    {
      if (labels[i] >= SD_N_SENTIMENTS)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       "Sentiment training row %u has an unknown label %d", i, labels[i]);
          return FALSE;
        }
      counts[labels[i]]++;
    }
  double cw[SD_N_SENTIMENTS];
  guint present = 0;
  for (guint k = 0; k < SD_N_SENTIMENTS; k++)
    present += counts[k] > 0;
  for (guint k = 0; k < SD_N_SENTIMENTS; k++)
    cw[k] = options->class_weights && counts[k] ? (double) n / (present * counts[k]) : 1.0;

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
            grad[k] = cw[labels[r]] * (prob[k] - (k == labels[r]));
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
  result->label = 0;
  for (guint k = 1; k < SD_N_SENTIMENTS; k++)
    if (result->prob[k] > result->prob[result->label])
      result->label = k;
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

GBytes *
sd_sentiment_save (SdSentiment *self)
{
  g_return_val_if_fail (SD_IS_SENTIMENT (self), NULL);
  GByteArray *out = g_byte_array_new ();
  guint32 bits = GUINT32_TO_LE (self->bits);
  g_byte_array_append (out, (const guint8 *) SAVE_MAGIC, 8);
  g_byte_array_append (out, (const guint8 *) &bits, 4);
  /* Floats are written in the host's order; the magic carries no endianness because
   * every platform Shopdesk targets is little-endian. */
  g_byte_array_append (out, (const guint8 *) self->bias, sizeof self->bias);
  g_byte_array_append (out, (const guint8 *) self->w,
                       (guint) ((gsize) (self->mask + 1) * SD_N_SENTIMENTS * sizeof (float)));
  return g_byte_array_free_to_bytes (out);
}

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
  if (len < 12 || memcmp (data, SAVE_MAGIC, 8) != 0 || bits < 10 || bits > 24 ||
      len != 12 + sizeof (float) * SD_N_SENTIMENTS * (1 + ((gsize) 1 << bits)))
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                           "This is not a saved Shopdesk sentiment model, or it is damaged");
      return NULL;
    }
  SdSentiment *self = sd_sentiment_new (bits);
  memcpy (self->bias, data + 12, sizeof self->bias);
  memcpy (self->w, data + 12 + sizeof self->bias, len - 12 - sizeof self->bias);
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
                   "“%s” is not a sentiment label (negative, neutral, positive)", fields[0]);
      return FALSE;
    }
  g_ptr_array_add (d->texts, g_strdup (fields[2]));
  g_array_append_val (d->labels, label);
  return TRUE;
}

SdSentiment *
sd_sentiment_new_builtin (GError **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (SdSentimentLabel));
  BuiltinData d = { texts, labels };

  if (!sd_chat_corpus_read_builtin_tsv ("sentiment.tsv", 3, collect_builtin, &d, error))
    return NULL;

  /* The intent corpus adds chat-like phrasing: complaints are negative, thanks positive,
   * and plain requests neutral (one in four, so neutral does not swamp the others). */
  g_autoptr(GPtrArray) examples = sd_chat_corpus_builtin_examples (NULL, error);
  if (examples == NULL)
    return NULL;
  for (guint i = 0; i < examples->len; i++)
    {
      SdChatExample *e = examples->pdata[i];
      SdSentimentLabel label;
      if (strcmp (e->intent, "complaint") == 0)
        label = SD_SENTIMENT_NEGATIVE;
      else if (strcmp (e->intent, "thanks") == 0)
        label = SD_SENTIMENT_POSITIVE;
      else if (strcmp (e->intent, "delivery_problem") != 0 && i % 4 == 0)
        label = SD_SENTIMENT_NEUTRAL;
      else
        continue;
      g_ptr_array_add (texts, g_strdup (e->text));
      g_array_append_val (labels, label);
    }

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
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, "Could not open %s", path);
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
                       "%s, line %u: no rating (“overall” 1–5)", path, sd_json_node_get_line (review));
          return FALSE;
        }
      label = rating <= 2 ? SD_SENTIMENT_NEGATIVE
            : rating < 4 ? SD_SENTIMENT_NEUTRAL : SD_SENTIMENT_POSITIVE;
      g_ptr_array_add (texts, g_strconcat (summary ? summary : "", ". ", text ? text : "", NULL));
      g_array_append_val (labels, label);
    }
  return TRUE;
}
