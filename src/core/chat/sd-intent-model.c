/* sd-intent-model.c — a fastText-style text classifier */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "sd-chat-concepts.h"
#include "sd-error.h"
#include "sd-intent-model.h"
#include "sd-random.h"
#include "sd-tokenizer.h"

#define BLOB_MAGIC   "SDINTENT"
#define BLOB_VERSION 2u   /* 2: feature flags, rows by frequency */

/* What decides which features a text has; saved with the model. */
typedef struct {
  guint dim;
  guint word_ngrams;
  guint char_min;
  guint char_max;
  guint flags;      /* FEATURE_* */
} Config;

enum {
  FEATURE_BOUNDARIES = 1 << 0,   /* n-grams with the start and end of the text */
  FEATURE_CJK_RUNS   = 1 << 1,   /* character n-grams of "<run>" of CJK characters too */
  FEATURE_CONCEPTS   = 1 << 2,   /* the concepts of sd-chat-concepts' lexicon */
  FEATURE_CONCEPT_PAIRS = 1 << 3,   /* and each pair of them */
  FEATURE_KNOWN      = FEATURE_BOUNDARIES | FEATURE_CJK_RUNS | FEATURE_CONCEPTS | FEATURE_CONCEPT_PAIRS,
};
/* Bits 8–15 of the flags: how many times a concept's feature counts in the average. */
#define CONCEPT_WEIGHT_SHIFT 8

/* Feature hash → embedding row, open addressing; key 0 marks an empty slot. */
typedef struct {
  guint64 *keys;
  guint32 *rows;
  guint32 *counts;
  gsize    mask;
  guint    n;
} Dict;

/* One member of the ensemble. */
typedef struct {
  float *emb;   /* n_rows × dim */
  float *out;   /* n_labels × dim */
  float *bias;  /* n_labels */
  float *scale; /* n_rows: the int8 step of each embedding row, once quantised */
} Net;

struct _SdIntentModel {
  GObject   parent_instance;

  Config    config;
  guint     n_labels;
  char    **labels;
  int       oos_index;
  double    temperature;
  double    threshold;
  double    valid_nll_before;
  double    valid_nll_after;
  double    valid_accuracy;

  Dict      dict;
  guint     n_rows;
  guint     n_nets;
  Net      *nets;
};

G_DEFINE_FINAL_TYPE (SdIntentModel, sd_intent_model, G_TYPE_OBJECT)

void
sd_intent_params_init (SdIntentParams *params)
{
  memset (params, 0, sizeof *params);
  params->dim = 100;
  params->epochs = 0;
  params->lr = 0.5;
  params->word_ngrams = 2;
  params->char_min = 3;
  params->char_max = 5;
  params->min_count = 1;
  params->n_models = 1;
  params->label_smoothing = 0.1;
  params->validation_fraction = 0.1;
  params->refit = TRUE;
  params->seed = 1;
  params->oos_label = NULL;
}

/* ---- feature hashing ---------------------------------------------------------------- */

static guint64
hash_bytes (guint64     seed,
            const char *bytes,
            gsize       len)
{
  /* FNV-1a, then a final mix so nearby strings spread over the whole table. */
  guint64 h = 0xCBF29CE484222325ull ^ (seed * 0x100000001B3ull);
  for (gsize i = 0; i < len; i++)
    {
      h ^= (guchar) bytes[i];
      h *= 0x100000001B3ull;
    }
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h ? h : 1;
}

static guint64
combine (guint64 a,
         guint64 b)
{
  guint64 h = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 29;
  return h ? h : 1;
}

enum {
  SEED_UNIT = 1,
  SEED_CHARS = 2,
  SEED_NGRAM = 3,
  SEED_NUMBER = 4,
  SEED_CONCEPT = 5,
};

/* Character n-grams of "<word>" (len bytes at @word). */
static void
add_char_ngrams (const Config *config,
                 const char   *word,
                 gsize         len,
                 GArray       *out)
{
  char buf[260];
  guint starts[260];
  guint n_chars = 0;
  gsize blen;

  if (len > 256)
    return;
  buf[0] = '<';
  memcpy (buf + 1, word, len);
  buf[len + 1] = '>';
  blen = len + 2;
  for (const char *p = buf; p < buf + blen; p = g_utf8_next_char (p))
    starts[n_chars++] = p - buf;
  starts[n_chars] = blen;

  for (guint s = 0; s < n_chars; s++)
    for (guint n = config->char_min; n <= config->char_max && s + n <= n_chars; n++)
      {
        guint64 g;
        /* Single boundary markers say nothing. */
        if (n == 1 && (s == 0 || s == n_chars - 1))
          continue;
        g = hash_bytes (SEED_CHARS, buf + starts[s], starts[s + n] - starts[s]);
        g_array_append_val (out, g);
      }
}

/* Appends the hashes of @text's features to @out (guint64). Bounded: the tokenizer cuts
 * the text, and every token adds at most a fixed number of features. */
static void
extract_features (const Config *config,
                  const char   *text,
                  GArray       *out)
{
  g_autoptr(GArray) tokens = sd_tokenize (text, -1, SD_TOKENIZE_KEEP_PUNCT);
  g_autofree guint64 *units = g_new (guint64, tokens->len + 2);
  g_autoptr(GString) run = g_string_new (NULL);   /* adjacent CJK characters */
  guint run_end = 0;
  guint n_units = 0;
  static const guint64 number_feature = 0x4E554D4245520001ull;   /* any number */
  static const guint64 start_unit = 0x5354415254000001ull;
  static const guint64 end_unit = 0x454E440000000001ull;
  gboolean boundaries = (config->flags & FEATURE_BOUNDARIES) != 0;

  if (boundaries)
    units[n_units++] = start_unit;

  if (config->flags & FEATURE_CONCEPTS)
    {
      g_autoptr(GPtrArray) concepts = g_ptr_array_new ();
      guint weight = MAX ((config->flags >> CONCEPT_WEIGHT_SHIFT) & 0xFF, 1);
      sd_chat_concepts_find (sd_chat_concepts_builtin (), tokens, concepts);
      for (guint c = 0; c < concepts->len; c++)
        {
          guint64 h = hash_bytes (SEED_CONCEPT, concepts->pdata[c], strlen (concepts->pdata[c]));
          for (guint k = 0; k < weight; k++)
            g_array_append_val (out, h);
          for (guint d = 0; (config->flags & FEATURE_CONCEPT_PAIRS) && d < c; d++)
            {
              guint64 pair = combine (h, hash_bytes (SEED_CONCEPT, concepts->pdata[d], strlen (concepts->pdata[d])));
              g_array_append_val (out, pair);
            }
        }
    }

  for (guint i = 0; i <= tokens->len; i++)
    {
      const SdToken *tok = i < tokens->len ? &g_array_index (tokens, SdToken, i) : NULL;
      gsize len;
      guint64 h;

      /* A CJK run ends here: its n-grams, as if it were one word. */
      if ((config->flags & FEATURE_CJK_RUNS) && run->len > 0 && config->char_max > 0 &&
          (tok == NULL || tok->kind != SD_TOKEN_CJK || tok->start != run_end))
        {
          add_char_ngrams (config, run->str, run->len, out);
          g_string_truncate (run, 0);
        }

      if (tok == NULL)
        {
          if (!boundaries || n_units <= 1)
            break;
          h = end_unit;
          len = 0;
        }
      else
        {
          len = strlen (tok->text);
          h = hash_bytes (SEED_UNIT + tok->kind * 16, tok->text, len);
          g_array_append_val (out, h);
          if (tok->kind == SD_TOKEN_NUMBER)
            g_array_append_val (out, number_feature);
          if (tok->kind == SD_TOKEN_WORD && config->char_max > 0)
            add_char_ngrams (config, tok->text, len, out);
          if (tok->kind == SD_TOKEN_CJK && (config->flags & FEATURE_CJK_RUNS))
            {
              g_string_append_len (run, tok->text, len);
              run_end = tok->end;
            }
        }
      units[n_units++] = h;

      for (guint n = 2; n <= config->word_ngrams && n <= n_units; n++)
        {
          guint64 g = SEED_NGRAM * 0x1000 + n;
          for (guint k = n_units - n; k < n_units; k++)
            g = combine (g, units[k]);
          g_array_append_val (out, g);
        }
    }
}

/* ---- the dictionary ----------------------------------------------------------------- */

static void
dict_init (Dict  *dict,
           gsize  expected)
{
  gsize cap = 1024;
  while (cap < expected * 2)
    cap *= 2;
  dict->keys = g_new0 (guint64, cap);
  dict->rows = g_new (guint32, cap);
  dict->counts = NULL;
  dict->mask = cap - 1;
  dict->n = 0;
}

static void
dict_clear (Dict *dict)
{
  g_clear_pointer (&dict->keys, g_free);
  g_clear_pointer (&dict->rows, g_free);
  g_clear_pointer (&dict->counts, g_free);
  dict->n = 0;
}

static gsize
dict_slot (const Dict *dict,
           guint64     key)
{
  gsize i = key & dict->mask;
  while (dict->keys[i] != 0 && dict->keys[i] != key)
    i = (i + 1) & dict->mask;
  return i;
}

static void dict_insert (Dict *dict, guint64 key, guint32 row);

static void
dict_grow (Dict *dict)
{
  Dict bigger;
  dict_init (&bigger, (dict->mask + 1));
  if (dict->counts)
    bigger.counts = g_new0 (guint32, bigger.mask + 1);
  for (gsize i = 0; i <= dict->mask; i++)
    if (dict->keys[i])
      {
        gsize s = dict_slot (&bigger, dict->keys[i]);
        bigger.keys[s] = dict->keys[i];
        bigger.rows[s] = dict->rows[i];
        if (dict->counts)
          bigger.counts[s] = dict->counts[i];
        bigger.n++;
      }
  dict_clear (dict);
  *dict = bigger;
}

static void
dict_insert (Dict    *dict,
             guint64  key,
             guint32  row)
{
  gsize s;
  if ((dict->n + 1) * 2 > dict->mask + 1)
    dict_grow (dict);
  s = dict_slot (dict, key);
  if (dict->keys[s] == 0)
    {
      dict->keys[s] = key;
      dict->n++;
      if (dict->counts)
        dict->counts[s] = 0;
    }
  dict->rows[s] = row;
  if (dict->counts)
    dict->counts[s]++;
}

static gint64
dict_lookup (const Dict *dict,
             guint64     key)
{
  gsize s;
  if (dict->keys == NULL)
    return -1;
  s = dict_slot (dict, key);
  return dict->keys[s] ? (gint64) dict->rows[s] : -1;
}

/* ---- training data in compressed rows ----------------------------------------------- */

typedef struct {
  guint    n;
  guint32 *offsets;   /* n + 1 */
  guint32 *feats;     /* row indices */
  int     *labels;
} Examples;

static void
examples_clear (Examples *ex)
{
  g_clear_pointer (&ex->offsets, g_free);
  g_clear_pointer (&ex->feats, g_free);
  g_clear_pointer (&ex->labels, g_free);
}

typedef struct {
  guint64 key;
  guint32 count;
} Counted;

static int
compare_counted (gconstpointer a,
                 gconstpointer b)
{
  const Counted *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return x->key < y->key ? -1 : x->key > y->key;
}

/* Builds the dictionary from @data (features seen at least @min_count times) and the
 * examples. Rows go in order of frequency, so the rows most examples touch share cache
 * lines and pages; the saved table lists hashes in row order. */
static void
build_examples (const Config        *config,
                const SdIntentData  *data,
                GHashTable          *label_index,
                guint                min_count,
                Dict                *dict,
                Examples            *ex)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (guint32));
  Dict counting;
  g_autofree Counted *kept = NULL;
  guint n_kept = 0;
  guint32 zero = 0;
  gsize w = 0;

  g_array_append_val (offsets, zero);
  for (guint i = 0; i < data->texts->len; i++)
    {
      guint32 end;
      extract_features (config, data->texts->pdata[i], all);
      end = all->len;
      g_array_append_val (offsets, end);
    }

  dict_init (&counting, 1 << 16);
  counting.counts = g_new0 (guint32, counting.mask + 1);
  for (guint i = 0; i < all->len; i++)
    dict_insert (&counting, g_array_index (all, guint64, i), 0);

  kept = g_new (Counted, counting.n + 1);
  for (gsize s = 0; s <= counting.mask; s++)
    if (counting.keys[s] && counting.counts[s] >= MAX (min_count, 1))
      {
        kept[n_kept].key = counting.keys[s];
        kept[n_kept++].count = counting.counts[s];
      }
  dict_clear (&counting);
  qsort (kept, n_kept, sizeof (Counted), compare_counted);

  dict_init (dict, n_kept);
  for (guint r = 0; r < n_kept; r++)
    dict_insert (dict, kept[r].key, r);

  ex->n = data->texts->len;
  ex->offsets = g_new (guint32, ex->n + 1);
  ex->labels = g_new (int, ex->n);
  ex->feats = g_new (guint32, MAX (all->len, 1));
  for (guint i = 0; i < ex->n; i++)
    {
      guint32 from = g_array_index (offsets, guint32, i);
      guint32 to = g_array_index (offsets, guint32, i + 1);
      ex->offsets[i] = w;
      for (guint32 k = from; k < to; k++)
        {
          gint64 row = dict_lookup (dict, g_array_index (all, guint64, k));
          if (row >= 0)
            ex->feats[w++] = row;
        }
      ex->labels[i] = GPOINTER_TO_INT (g_hash_table_lookup (label_index, data->labels->pdata[i])) - 1;
    }
  ex->offsets[ex->n] = w;
}

/* ---- the network -------------------------------------------------------------------- */

static void
net_clear (Net *net)
{
  g_clear_pointer (&net->emb, g_free);
  g_clear_pointer (&net->out, g_free);
  g_clear_pointer (&net->bias, g_free);
  g_clear_pointer (&net->scale, g_free);
}

/* y += a·x over @n floats. The embedding rows are short (around 100), where explicit
 * 4-wide vectors (plain SSE2 on x86-64, NEON on ARM) beat a BLAS call's fixed cost;
 * -O2 alone leaves the plain loop scalar. */
typedef float Vec4 __attribute__ ((vector_size (16), aligned (4)));

static inline void
add_scaled (float       *restrict y,
            const float *restrict x,
            float                 a,
            guint                 n)
{
  guint k = 0;
  for (; k + 8 <= n; k += 8)
    {
      Vec4 y0 = *(Vec4 *) (y + k), y1 = *(Vec4 *) (y + k + 4);
      y0 += a * *(const Vec4 *) (x + k);
      y1 += a * *(const Vec4 *) (x + k + 4);
      *(Vec4 *) (y + k) = y0;
      *(Vec4 *) (y + k + 4) = y1;
    }
  for (; k < n; k++)
    y[k] += a * x[k];
}

/* The averaged embedding of a row list into @hidden. */
static void
net_hidden (const Net     *net,
            guint          dim,
            const guint32 *feats,
            guint          n,
            float         *hidden)
{
  memset (hidden, 0, dim * sizeof (float));
  for (guint k = 0; k < n; k++)
    {
      /* Rows are scattered over megabytes: ask for the next ones early. */
      if (k + 4 < n)
        {
          const char *next = (const char *) (net->emb + (gsize) feats[k + 4] * dim);
          for (guint b = 0; b < dim * sizeof (float); b += 64)
            __builtin_prefetch (next + b);
        }
      add_scaled (hidden, net->emb + (gsize) feats[k] * dim, 1.0f, dim);
    }
  if (n > 0)
    cblas_sscal (dim, 1.0f / n, hidden, 1);
}

static void
net_logits (const Net   *net,
            guint        dim,
            guint        n_labels,
            const float *hidden,
            float       *logits)
{
  memcpy (logits, net->bias, n_labels * sizeof (float));
  cblas_sgemv (CblasRowMajor, CblasNoTrans, n_labels, dim, 1.0f, net->out, dim,
               hidden, 1, 1.0f, logits, 1);
}

/* Softmax of @logits / @temperature into @probs; returns log-sum-exp of the scaled logits. */
static double
softmax (const float *logits,
         guint        n,
         double       temperature,
         double      *probs)
{
  double max = -INFINITY, sum = 0.0;
  for (guint j = 0; j < n; j++)
    max = MAX (max, logits[j] / temperature);
  for (guint j = 0; j < n; j++)
    sum += probs[j] = exp (logits[j] / temperature - max);
  for (guint j = 0; j < n; j++)
    probs[j] /= sum;
  return max + log (sum);
}

typedef struct {
  SdJob        *job;
  GCancellable *cancellable;
  int           step;          /* metric step, counted on across trainings */
  guint         epochs_done;
  guint         epochs_total;
} Progress;

static gboolean
net_train (Net                  *net,
           const Config         *config,
           guint                 n_rows,
           guint                 n_labels,
           const Examples       *ex,
           const SdIntentParams *params,
           guint64               seed,
           Progress             *progress,
           GError              **error)
{
  guint dim = config->dim;
  g_autofree guint *order = g_new (guint, MAX (ex->n, 1));
  g_autofree float *hidden = g_new (float, dim);
  g_autofree float *grad = g_new (float, dim);
  g_autofree float *logits = g_new (float, n_labels);
  g_autofree double *probs = g_new (double, n_labels);
  g_autofree float *g = g_new (float, n_labels);
  g_autofree guint32 *kept = NULL;
  g_autofree float *weight = g_new (float, n_labels);
  guint64 state = seed;
  double total_steps = (double) params->epochs * MAX (ex->n, 1);
  double done_steps = 0;
  float smooth = params->label_smoothing;
  float init = 1.0f / dim;

  net->emb = g_new (float, (gsize) n_rows * dim);
  net->out = g_new0 (float, (gsize) n_labels * dim);
  net->bias = g_new0 (float, n_labels);
  for (gsize i = 0; i < (gsize) n_rows * dim; i++)
    net->emb[i] = (2.0f * sd_splitmix64_float (&state) - 1.0f) * init;
  for (guint i = 0; i < ex->n; i++)
    order[i] = i;
  /* Balanced: each label's updates count as if every label had as many examples. */
  for (guint k = 0; k < n_labels; k++)
    weight[k] = params->balanced ? 0.0f : 1.0f;
  if (params->balanced)
    {
      g_autofree guint *count = g_new0 (guint, n_labels);
      guint labelled = 0;
      for (guint i = 0; i < ex->n; i++)
        if (ex->labels[i] >= 0)
          count[ex->labels[i]]++, labelled++;
      for (guint k = 0; k < n_labels; k++)
        weight[k] = count[k] ? (float) labelled / (n_labels * count[k]) : 0.0f;
    }
  if (params->feature_dropout > 0)
    {
      guint most = 0;
      for (guint i = 0; i < ex->n; i++)
        most = MAX (most, ex->offsets[i + 1] - ex->offsets[i]);
      kept = g_new (guint32, MAX (most, 1));
    }

  for (guint epoch = 0; epoch < params->epochs; epoch++)
    {
      double loss = 0.0;
      guint counted = 0;

      sd_splitmix64_shuffle (&state, order, ex->n);

      for (guint e = 0; e < ex->n; e++, done_steps++)
        {
          guint i = order[e];
          const guint32 *feats = ex->feats + ex->offsets[i];
          guint n = ex->offsets[i + 1] - ex->offsets[i];
          int y = ex->labels[i];
          float lr = params->lr * (1.0 - done_steps / total_steps);

          if ((e & 255) == 0 && g_cancellable_set_error_if_cancelled (progress->cancellable, error))
            return FALSE;
          if (y < 0 || n == 0)
            continue;
          /* Dropping features at random makes the model lean on all of a text's words,
           * not the one or two that give its paraphrase group away; one always stays. */
          if (kept)
            {
              guint m = 0;
              for (guint k = 0; k < n; k++)
                if (sd_splitmix64_float (&state) >= params->feature_dropout)
                  kept[m++] = feats[k];
              if (m == 0)
                kept[m++] = feats[(guint) (sd_splitmix64_float (&state) * n) % n];
              feats = kept;
              n = m;
            }

          net_hidden (net, dim, feats, n, hidden);
          net_logits (net, dim, n_labels, hidden, logits);
          softmax (logits, n_labels, 1.0, probs);
          loss -= log (MAX (probs[y], 1e-12));
          counted++;

          for (guint k = 0; k < n_labels; k++)
            g[k] = -lr * weight[y] * (probs[k] - smooth / n_labels - (k == (guint) y ? 1.0f - smooth : 0.0f));
          /* The gradient for the input rows uses the output layer before its update. */
          cblas_sgemv (CblasRowMajor, CblasTrans, n_labels, dim, 1.0f / n, net->out, dim,
                       g, 1, 0.0f, grad, 1);
          cblas_sger (CblasRowMajor, n_labels, dim, 1.0f, g, 1, hidden, 1, net->out, dim);
          cblas_saxpy (n_labels, 1.0f, g, 1, net->bias, 1);
          for (guint k = 0; k < n; k++)
            add_scaled (net->emb + (gsize) feats[k] * dim, grad, 1.0f, dim);
        }

      progress->epochs_done++;
      if (progress->job)
        {
          sd_job_metric (progress->job, progress->step, "loss", counted ? loss / counted : 0.0);
          sd_job_set_progress (progress->job,
                               (double) progress->epochs_done / progress->epochs_total,
                               "Training the intent classifier");
        }
      progress->step++;
    }
  return TRUE;
}

/* Quantises each row to int8 with its own scale, in place, so the model in memory is
 * exactly the model that is saved and loaded again. */
static void
net_quantise (Net   *net,
              guint  n_rows,
              guint  dim)
{
  net->scale = g_new (float, MAX (n_rows, 1));
  for (guint r = 0; r < n_rows; r++)
    {
      float *row = net->emb + (gsize) r * dim;
      float max = 0.0f, scale;
      for (guint k = 0; k < dim; k++)
        max = MAX (max, fabsf (row[k]));
      scale = max > 0 ? max / 127.0f : 1.0f;
      for (guint k = 0; k < dim; k++)
        {
          int q = (int) lrintf (row[k] / scale);
          row[k] = CLAMP (q, -127, 127) * scale;
        }
      net->scale[r] = scale;
    }
}

/* ---- the model object --------------------------------------------------------------- */

static void
sd_intent_model_finalize (GObject *object)
{
  SdIntentModel *self = SD_INTENT_MODEL (object);

  /* A load that failed half-way may have counted nets it never allocated. */
  for (guint i = 0; self->nets && i < self->n_nets; i++)
    net_clear (&self->nets[i]);
  g_free (self->nets);
  dict_clear (&self->dict);
  g_strfreev (self->labels);
  G_OBJECT_CLASS (sd_intent_model_parent_class)->finalize (object);
}

static void
sd_intent_model_class_init (SdIntentModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_intent_model_finalize;
}

static void
sd_intent_model_init (SdIntentModel *self)
{
  self->temperature = 1.0;
  self->threshold = 0.0;
  self->oos_index = -1;
}

/* Averaged logits of the ensemble for @text; returns how many of its features the model
 * knows. */
static guint
model_logits (SdIntentModel *self,
              const char    *text,
              float         *logits)
{
  guint dim = self->config.dim;
  g_autoptr(GArray) hashes = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autofree guint32 *feats = NULL;
  g_autofree float *hidden = g_new (float, dim);
  g_autofree float *one = g_new (float, self->n_labels);
  guint n = 0;

  extract_features (&self->config, text ? text : "", hashes);
  feats = g_new (guint32, hashes->len + 1);
  for (guint k = 0; k < hashes->len; k++)
    {
      gint64 row = dict_lookup (&self->dict, g_array_index (hashes, guint64, k));
      if (row >= 0)
        feats[n++] = row;
    }

  memset (logits, 0, self->n_labels * sizeof (float));
  for (guint m = 0; m < self->n_nets; m++)
    {
      net_hidden (&self->nets[m], dim, feats, n, hidden);
      net_logits (&self->nets[m], dim, self->n_labels, hidden, one);
      cblas_saxpy (self->n_labels, 1.0f / self->n_nets, one, 1, logits, 1);
    }
  return n;
}

/* Mean NLL of the validation logits at temperature @t. */
static double
nll_at (const float *logits,
        const int   *labels,
        guint        n,
        guint        n_labels,
        double       t,
        double      *scratch)
{
  double sum = 0.0;
  guint counted = 0;
  for (guint i = 0; i < n; i++)
    {
      if (labels[i] < 0)
        continue;
      softmax (logits + (gsize) i * n_labels, n_labels, t, scratch);
      sum -= log (MAX (scratch[labels[i]], 1e-12));
      counted++;
    }
  return counted ? sum / counted : 0.0;
}

typedef struct {
  double confidence;
  int    predicted;
  int    truth;
} Scored;

static int
compare_scored (gconstpointer a,
                gconstpointer b)
{
  double x = ((const Scored *) a)->confidence, y = ((const Scored *) b)->confidence;
  return x < y ? -1 : x > y;
}

/* Fits the temperature and the out-of-scope threshold on held-out examples. */
static void
calibrate (SdIntentModel      *self,
           const SdIntentData *valid,
           GHashTable         *label_index)
{
  guint n = valid->texts->len, L = self->n_labels;
  g_autofree float *logits = g_new (float, (gsize) MAX (n, 1) * L);
  g_autofree int *labels = g_new (int, MAX (n, 1));
  g_autofree double *probs = g_new (double, L);
  g_autofree Scored *scored = g_new (Scored, MAX (n, 1));
  double lo = log (0.05), hi = log (20.0);
  const double phi = (sqrt (5.0) - 1.0) / 2.0;
  double best, score, best_t;
  guint correct = 0;

  for (guint i = 0; i < n; i++)
    {
      model_logits (self, valid->texts->pdata[i], logits + (gsize) i * L);
      labels[i] = GPOINTER_TO_INT (g_hash_table_lookup (label_index, valid->labels->pdata[i])) - 1;
    }

  /* NLL is unimodal in log T: golden-section search. */
  for (int it = 0; it < 40; it++)
    {
      double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
      if (nll_at (logits, labels, n, L, exp (a), probs) < nll_at (logits, labels, n, L, exp (b), probs))
        hi = b;
      else
        lo = a;
    }
  self->temperature = exp ((lo + hi) / 2);
  self->valid_nll_before = nll_at (logits, labels, n, L, 1.0, probs);
  self->valid_nll_after = nll_at (logits, labels, n, L, self->temperature, probs);
  if (self->valid_nll_after > self->valid_nll_before)
    {
      self->temperature = 1.0;
      self->valid_nll_after = self->valid_nll_before;
    }

  for (guint i = 0; i < n; i++)
    {
      int arg = 0;
      softmax (logits + (gsize) i * L, L, self->temperature, probs);
      for (guint j = 1; j < L; j++)
        if (probs[j] > probs[arg])
          arg = j;
      scored[i].confidence = probs[arg];
      scored[i].predicted = arg;
      scored[i].truth = labels[i];
      correct += arg == labels[i];
    }
  self->valid_accuracy = n ? (double) correct / n : 0.0;

  /* Walk the threshold up through the sorted confidences. With out-of-scope examples,
   * maximise accuracy (a rejected text counts as "out of scope"); without, a wrong
   * answer costs as much as a right one gains, so keep the texts more likely right. */
  qsort (scored, n, sizeof (Scored), compare_scored);
  score = 0.0;
  for (guint i = 0; i < n; i++)
    {
      gboolean right = scored[i].predicted == scored[i].truth;
      if (self->oos_index >= 0)
        score += right;
      else
        score += right ? 1.0 : -1.0;
    }
  best = score;
  best_t = 0.0;
  for (guint i = 0; i < n; i++)
    {
      gboolean right = scored[i].predicted == scored[i].truth;
      /* Rejecting example i (and all below it). */
      if (self->oos_index >= 0)
        score += (scored[i].truth == self->oos_index) - right;
      else
        score -= right ? 1.0 : -1.0;
      if (score > best && (i + 1 == n || scored[i + 1].confidence > scored[i].confidence))
        {
          best = score;
          best_t = i + 1 < n ? (scored[i].confidence + scored[i + 1].confidence) / 2
                             : scored[i].confidence + 1e-9;
        }
    }
  self->threshold = best_t;
}

static gboolean
train_nets (SdIntentModel        *self,
            const SdIntentData   *data,
            GHashTable           *label_index,
            const SdIntentParams *params,
            Progress             *progress,
            GError              **error)
{
  Examples ex = { 0 };
  gboolean ok = TRUE;

  for (guint i = 0; i < self->n_nets; i++)
    net_clear (&self->nets[i]);
  dict_clear (&self->dict);
  build_examples (&self->config, data, label_index, params->min_count, &self->dict, &ex);
  self->n_rows = self->dict.n;

  for (guint m = 0; m < self->n_nets && ok; m++)
    ok = net_train (&self->nets[m], &self->config, self->n_rows, self->n_labels, &ex, params,
                    params->seed * 0x9E3779B97F4A7C15ull + m + 1, progress, error);
  examples_clear (&ex);
  return ok;
}

SdIntentModel *
sd_intent_model_train (const SdIntentData    *data,
                       const SdIntentParams  *params,
                       SdJob                 *job,
                       GCancellable          *cancellable,
                       GError               **error)
{
  g_autoptr(SdIntentModel) self = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GHashTable) label_index = NULL;
  g_autoptr(SdIntentData) kept = NULL;
  g_autoptr(SdIntentData) valid = NULL;
  SdIntentParams defaults, auto_params;
  Progress progress = { job, cancellable, 0, 0, 0 };
  gboolean split;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (params == NULL)
    {
      sd_intent_params_init (&defaults);
      params = &defaults;
    }
  if (params->dim == 0 || params->dim > 1024 || params->epochs > 1000 ||
      !(params->lr > 0 && params->lr <= 10) || params->n_models == 0 || params->n_models > 8 ||
      params->word_ngrams == 0 || params->word_ngrams > 5 ||
      (params->char_max > 0 && (params->char_min == 0 || params->char_min > params->char_max ||
                                params->char_max > 8)) ||
      !(params->label_smoothing >= 0 && params->label_smoothing < 1) ||
      !(params->feature_dropout >= 0 && params->feature_dropout < 1) ||
      !(params->validation_fraction >= 0 && params->validation_fraction < 0.9))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Training settings out of range (dim 1–1024, epochs 1–1000, lr in (0, 10], "
                   "1–8 models, word n-grams 1–5, character n-grams within 1–8)"));
      return NULL;
    }

  names = sd_intent_data_get_label_names (data);
  if (names->len < 2)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Training needs examples of at least two labels (found %u)"), names->len);
      return NULL;
    }

  self = g_object_new (SD_TYPE_INTENT_MODEL, NULL);
  self->config.dim = params->dim;
  self->config.word_ngrams = params->word_ngrams;
  self->config.char_min = params->char_max > 0 ? params->char_min : 0;
  self->config.char_max = params->char_max;
  self->config.flags = FEATURE_BOUNDARIES;
  if (params->concepts > 0)
    self->config.flags |= FEATURE_CONCEPTS | MIN (params->concepts, 255) << CONCEPT_WEIGHT_SHIFT;
  if (params->concepts > 0 && params->concept_pairs)
    self->config.flags |= FEATURE_CONCEPT_PAIRS;
  self->n_labels = names->len;
  self->labels = g_new0 (char *, names->len + 1);
  label_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < names->len; i++)
    {
      self->labels[i] = g_strdup (names->pdata[i]);
      g_hash_table_insert (label_index, self->labels[i], GINT_TO_POINTER (i + 1));
      if (params->oos_label && strcmp (params->oos_label, self->labels[i]) == 0)
        self->oos_index = i;
    }
  self->n_nets = params->n_models;
  if (params->epochs == 0)
    {
      /* Small data sets need more passes: at least 100k updates, 25 to 100 epochs. */
      auto_params = *params;
      auto_params.epochs = CLAMP ((100000 + data->texts->len - 1) / MAX (data->texts->len, 1), 25, 100);
      params = &auto_params;
    }
  self->nets = g_new0 (Net, self->n_nets);

  split = params->validation_fraction > 0 && data->texts->len >= 4 * names->len;
  progress.epochs_total = params->epochs * params->n_models * (split && params->refit ? 2 : 1);

  if (split)
    {
      sd_intent_data_split (data, params->validation_fraction, params->seed ^ 0x5EED, &kept, &valid);
      if (!train_nets (self, kept, label_index, params, &progress, error))
        return NULL;
      calibrate (self, valid, label_index);
      if (job)
        sd_job_metric (job, progress.step, "valid_accuracy", self->valid_accuracy);
      if (params->refit && !train_nets (self, data, label_index, params, &progress, error))
        return NULL;
    }
  else if (!train_nets (self, data, label_index, params, &progress, error))
    return NULL;

  for (guint m = 0; m < self->n_nets; m++)
    net_quantise (&self->nets[m], self->n_rows, self->config.dim);
  return g_steal_pointer (&self);
}

static guint
predict_probs (SdIntentModel *self,
               const char    *text,
               double        *probs)
{
  g_autofree float *logits = g_new (float, self->n_labels);
  guint known = model_logits (self, text, logits);
  softmax (logits, self->n_labels, self->temperature, probs);
  return known;
}

guint
sd_intent_model_predict_probs (SdIntentModel *self,
                               const char    *text,
                               double        *probs)
{
  g_return_val_if_fail (SD_IS_INTENT_MODEL (self), 0);
  return predict_probs (self, text, probs);
}

void
sd_intent_model_predict (SdIntentModel      *self,
                         const char         *text,
                         SdIntentPrediction *prediction)
{
  g_autofree double *probs = NULL;
  guint known;

  g_return_if_fail (SD_IS_INTENT_MODEL (self));
  g_return_if_fail (prediction != NULL);

  probs = g_new (double, self->n_labels);
  known = predict_probs (self, text, probs);
  memset (prediction, 0, sizeof *prediction);
  prediction->n_top = MIN (SD_INTENT_TOP_N, self->n_labels);
  for (guint t = 0; t < prediction->n_top; t++)
    {
      int best = -1;
      for (guint j = 0; j < self->n_labels; j++)
        {
          gboolean taken = FALSE;
          for (guint u = 0; u < t; u++)
            taken |= prediction->top[u].label == (int) j;
          if (!taken && (best < 0 || probs[j] > probs[best]))
            best = j;
        }
      prediction->top[t].label = best;
      prediction->top[t].name = self->labels[best];
      prediction->top[t].probability = probs[best];
    }
  prediction->label = prediction->top[0].label;
  prediction->name = prediction->top[0].name;
  prediction->confidence = prediction->top[0].probability;
  /* Nothing the model has seen: whatever the prior says, it does not understand. */
  prediction->out_of_scope = known == 0 || prediction->confidence < self->threshold ||
                             prediction->label == self->oos_index;
}

guint
sd_intent_model_get_n_labels (SdIntentModel *self)
{
  g_return_val_if_fail (SD_IS_INTENT_MODEL (self), 0);
  return self->n_labels;
}

const char *
sd_intent_model_get_label (SdIntentModel *self,
                           guint          index)
{
  g_return_val_if_fail (SD_IS_INTENT_MODEL (self), NULL);
  return index < self->n_labels ? self->labels[index] : NULL;
}

int
sd_intent_model_find_label (SdIntentModel *self,
                            const char    *name)
{
  g_return_val_if_fail (SD_IS_INTENT_MODEL (self), -1);
  for (guint i = 0; name && i < self->n_labels; i++)
    if (strcmp (self->labels[i], name) == 0)
      return i;
  return -1;
}

int
sd_intent_model_get_oos_label (SdIntentModel *self)
{
  g_return_val_if_fail (SD_IS_INTENT_MODEL (self), -1);
  return self->oos_index;
}

double
sd_intent_model_get_temperature (SdIntentModel *self)
{
  g_return_val_if_fail (SD_IS_INTENT_MODEL (self), 1.0);
  return self->temperature;
}

double
sd_intent_model_get_threshold (SdIntentModel *self)
{
  g_return_val_if_fail (SD_IS_INTENT_MODEL (self), 0.0);
  return self->threshold;
}

void
sd_intent_model_set_threshold (SdIntentModel *self,
                               double         threshold)
{
  g_return_if_fail (SD_IS_INTENT_MODEL (self));
  self->threshold = threshold;
}

guint
sd_intent_model_get_n_features (SdIntentModel *self)
{
  g_return_val_if_fail (SD_IS_INTENT_MODEL (self), 0);
  return self->n_rows;
}

void
sd_intent_model_get_validation (SdIntentModel *self,
                                double        *nll_before,
                                double        *nll_after,
                                double        *accuracy)
{
  g_return_if_fail (SD_IS_INTENT_MODEL (self));
  if (nll_before)
    *nll_before = self->valid_nll_before;
  if (nll_after)
    *nll_after = self->valid_nll_after;
  if (accuracy)
    *accuracy = self->valid_accuracy;
}

/* ---- the blob ----------------------------------------------------------------------- *
 *
 * Little-endian on every machine we ship to; written in host order with a byte-order
 * mark so a foreign blob is refused instead of misread.
 *
 *   "SDINTENT" u32 version u32 0x01020304
 *   u32 dim, word_ngrams, char_min, char_max, feature flags, n_labels, n_rows, n_nets;
 *   i32 oos_index
 *   f64 temperature, threshold, valid_nll_before, valid_nll_after, valid_accuracy
 *   n_labels × (u32 length, bytes)
 *   n_rows × u64 feature hash (distinct, non-zero; row r is the r-th hash)
 *   n_nets × (n_rows × f32 scale, n_rows × dim × i8, n_labels × dim × f32, n_labels × f32)
 */

static void
put (GByteArray *out,
     const void *data,
     gsize       len)
{
  g_byte_array_append (out, data, len);
}

static void
put_u32 (GByteArray *out,
         guint32     v)
{
  put (out, &v, 4);
}

GBytes *
sd_intent_model_save (SdIntentModel *self)
{
  GByteArray *out;
  guint dim;
  g_autofree guint64 *hashes = NULL;
  g_autofree gint8 *q = NULL;
  gint32 oos;
  double doubles[5];

  g_return_val_if_fail (SD_IS_INTENT_MODEL (self), NULL);

  dim = self->config.dim;
  out = g_byte_array_new ();
  put (out, BLOB_MAGIC, 8);
  put_u32 (out, BLOB_VERSION);
  put_u32 (out, 0x01020304);
  put_u32 (out, dim);
  put_u32 (out, self->config.word_ngrams);
  put_u32 (out, self->config.char_min);
  put_u32 (out, self->config.char_max);
  put_u32 (out, self->config.flags);
  put_u32 (out, self->n_labels);
  put_u32 (out, self->n_rows);
  put_u32 (out, self->n_nets);
  oos = self->oos_index;
  put (out, &oos, 4);
  doubles[0] = self->temperature;
  doubles[1] = self->threshold;
  doubles[2] = self->valid_nll_before;
  doubles[3] = self->valid_nll_after;
  doubles[4] = self->valid_accuracy;
  put (out, doubles, sizeof doubles);
  for (guint i = 0; i < self->n_labels; i++)
    {
      guint32 len = strlen (self->labels[i]);
      put_u32 (out, len);
      put (out, self->labels[i], len);
    }

  hashes = g_new (guint64, MAX (self->n_rows, 1));
  for (gsize s = 0; s <= self->dict.mask && self->dict.keys; s++)
    if (self->dict.keys[s])
      hashes[self->dict.rows[s]] = self->dict.keys[s];
  put (out, hashes, (gsize) self->n_rows * sizeof (guint64));

  q = g_new (gint8, MAX ((gsize) self->n_rows * dim, 1));
  for (guint m = 0; m < self->n_nets; m++)
    {
      const Net *net = &self->nets[m];
      /* Rows are already on the int8 grid: dividing by the step recovers the codes. */
      for (guint row = 0; row < self->n_rows; row++)
        for (guint k = 0; k < dim; k++)
          q[(gsize) row * dim + k] = (gint8) lrintf (net->emb[(gsize) row * dim + k] / net->scale[row]);
      put (out, net->scale, (gsize) self->n_rows * sizeof (float));
      put (out, q, (gsize) self->n_rows * dim);
      put (out, net->out, (gsize) self->n_labels * dim * sizeof (float));
      put (out, net->bias, (gsize) self->n_labels * sizeof (float));
    }
  return g_byte_array_free_to_bytes (out);
}

typedef struct {
  const guint8 *p;
  const guint8 *end;
} Reader;

static gboolean
take (Reader *r,
      void   *dest,
      gsize   len)
{
  if ((gsize) (r->end - r->p) < len)
    return FALSE;
  memcpy (dest, r->p, len);
  r->p += len;
  return TRUE;
}

SdIntentModel *
sd_intent_model_load (GBytes  *blob,
                      GError **error)
{
  g_autoptr(SdIntentModel) self = NULL;
  Reader r;
  gsize size;
  char magic[8];
  guint32 version, order, header[8];
  gint32 oos;
  double doubles[5];
  guint dim;
  g_autofree guint64 *hashes = NULL;
  g_autofree gint8 *q = NULL;

  g_return_val_if_fail (blob != NULL, NULL);

  r.p = g_bytes_get_data (blob, &size);
  r.end = r.p + size;
  if (!take (&r, magic, 8) || memcmp (magic, BLOB_MAGIC, 8) != 0 ||
      !take (&r, &version, 4) || !take (&r, &order, 4))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("Not a Shopdesk text classifier model"));
      return NULL;
    }
  if (version != BLOB_VERSION || order != 0x01020304)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_UNSUPPORTED,
                   _("The model was saved by another version of Shopdesk or on another kind of "
                   "machine (format %u); train it again"), version);
      return NULL;
    }
  if (!take (&r, header, sizeof header) || !take (&r, &oos, 4) || !take (&r, doubles, sizeof doubles))
    goto truncated;

  self = g_object_new (SD_TYPE_INTENT_MODEL, NULL);
  dim = self->config.dim = header[0];
  self->config.word_ngrams = header[1];
  self->config.char_min = header[2];
  self->config.char_max = header[3];
  self->config.flags = header[4];
  self->n_labels = header[5];
  self->n_rows = header[6];
  self->n_nets = header[7];
  if (dim == 0 || dim > 1024 || self->config.word_ngrams == 0 || self->config.word_ngrams > 5 ||
      self->config.char_max > 8 || self->config.char_min > self->config.char_max ||
      (self->config.char_max > 0 && self->config.char_min == 0) ||
      (self->config.flags & ~(guint) (FEATURE_KNOWN | 0xFF << CONCEPT_WEIGHT_SHIFT)) != 0 ||
      self->n_labels < 2 || self->n_labels > size || self->n_nets == 0 || self->n_nets > 8 ||
      self->n_rows > size / 8 || oos < -1 || oos >= (gint32) self->n_labels)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("The model is damaged (bad header)"));
      return NULL;
    }
  self->oos_index = oos;
  self->temperature = doubles[0];
  self->threshold = doubles[1];
  self->valid_nll_before = doubles[2];
  self->valid_nll_after = doubles[3];
  self->valid_accuracy = doubles[4];
  if (!(self->temperature > 0))
    self->temperature = 1.0;

  self->labels = g_new0 (char *, self->n_labels + 1);
  for (guint i = 0; i < self->n_labels; i++)
    {
      guint32 len;
      if (!take (&r, &len, 4) || (gsize) (r.end - r.p) < len)
        goto truncated;
      self->labels[i] = g_strndup ((const char *) r.p, len);
      r.p += len;
      if (!g_utf8_validate (self->labels[i], -1, NULL))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("The model is damaged (label %u)"), i);
          return NULL;
        }
    }

  if ((gsize) (r.end - r.p) / 8 < self->n_rows)
    goto truncated;
  hashes = g_new (guint64, MAX (self->n_rows, 1));
  take (&r, hashes, (gsize) self->n_rows * 8);
  dict_init (&self->dict, self->n_rows);
  for (guint i = 0; i < self->n_rows; i++)
    {
      if (hashes[i] == 0 || dict_lookup (&self->dict, hashes[i]) >= 0)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("The model is damaged (features)"));
          return NULL;
        }
      dict_insert (&self->dict, hashes[i], i);
    }

  self->nets = g_new0 (Net, self->n_nets);
  for (guint m = 0; m < self->n_nets; m++)
    {
      Net *net = &self->nets[m];
      gsize cells = (gsize) self->n_rows * dim;
      gsize need = self->n_rows * sizeof (float) + cells +
                   ((gsize) self->n_labels * dim + self->n_labels) * sizeof (float);

      if ((gsize) (r.end - r.p) < need)
        goto truncated;
      net->scale = g_new (float, MAX (self->n_rows, 1));
      q = g_renew (gint8, q, MAX (cells, 1));
      take (&r, net->scale, self->n_rows * sizeof (float));
      take (&r, q, cells);
      net->emb = g_new (float, MAX (cells, 1));
      for (guint row = 0; row < self->n_rows; row++)
        for (guint k = 0; k < dim; k++)
          net->emb[(gsize) row * dim + k] = CLAMP (q[(gsize) row * dim + k], -127, 127) * net->scale[row];
      net->out = g_new (float, (gsize) self->n_labels * dim);
      net->bias = g_new (float, self->n_labels);
      take (&r, net->out, (gsize) self->n_labels * dim * sizeof (float));
      take (&r, net->bias, self->n_labels * sizeof (float));
    }
  if (r.p != r.end)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("The model is damaged (trailing data)"));
      return NULL;
    }
  return g_steal_pointer (&self);

truncated:
  g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT, _("The model is damaged (truncated)"));
  return NULL;
}
