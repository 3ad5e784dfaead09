/* sd-chat-linear.c — softmax regression over hashed text features */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sd-chat-concepts.h"
#include "sd-chat-carriers.h"
#include "sd-chat-corpus.h"
#include "sd-chat-linear.h"
#include "sd-chat-spelling.h"
#include "sd-error.h"
#include "sd-oos.h"
#include "sd-text-features.h"

#define HASH_BITS 15
#define MAX_TEXT_BYTES 2048

struct _SdChatLinear
{
  GPtrArray *intents;   /* char * */
  guint      k;
  float     *w;         /* (1 << HASH_BITS) × k */
  float     *bias;
  double     oos_threshold;   /* tuned by sd_chat_linear_train_tuned(); -1: none */
  gboolean   cached;          /* loaded from the cache rather than trained */
  SdChatSpelling *spelling;   /* the training examples' words */
};

void
sd_chat_linear_free (SdChatLinear *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->intents);
  sd_chat_spelling_free (self->spelling);
  g_free (self->w);
  g_free (self->bias);
  g_free (self);
}

guint
sd_chat_linear_get_n_intents (SdChatLinear *self)
{
  return self->k;
}

static float
featurize (const char *text, GArray *idx)
{
  g_array_set_size (idx, 0);
  /* Concepts: on three inner folds of paraphrase groups, 0.853 → 0.880 (English) and
   * 0.820 → 0.855 (Chinese). */
  sd_text_features_full (text, MAX_TEXT_BYTES, SD_TEXT_FEATURES_SUBWORDS | SD_TEXT_FEATURES_CONCEPTS, idx);
  for (guint i = 0; i < idx->len; i++)
    g_array_index (idx, guint32, i) &= (1u << HASH_BITS) - 1;
  return idx->len ? 1.0f / sqrtf ((float) idx->len) : 0.0f;
}

static void
forward (SdChatLinear *self, const guint32 *idx, guint n, float x, double *prob)
{
  for (guint c = 0; c < self->k; c++)
    prob[c] = self->bias[c];
  for (guint i = 0; i < n; i++)
    {
      const float *row = self->w + (gsize) idx[i] * self->k;
      for (guint c = 0; c < self->k; c++)
        prob[c] += x * row[c];
    }
  double max = prob[0], sum = 0;
  for (guint c = 1; c < self->k; c++)
    max = MAX (max, prob[c]);
  for (guint c = 0; c < self->k; c++)
    sum += (prob[c] = exp (prob[c] - max));
  for (guint c = 0; c < self->k; c++)
    prob[c] /= sum;
}

SdChatLinear *
sd_chat_linear_train (GPtrArray     *examples,
                      guint          epochs,
                      GCancellable  *cancellable,
                      GError       **error)
{
  if (examples == NULL || examples->len == 0)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("There are no chat examples to train the intent classifier on"));
      return NULL;
    }
  g_autoptr(SdChatSpelling) spelling = sd_chat_spelling_new (examples);
  /* the examples, then again wrapped in greetings and pleas (sd-chat-carriers.h) */
  g_autoptr(GPtrArray) wrapped = sd_chat_carriers_wrap_examples (examples, SD_CHAT_CARRIER_PERCENT);
  g_autoptr(GPtrArray) with_carriers = g_ptr_array_sized_new (examples->len + wrapped->len);
  g_ptr_array_extend (with_carriers, examples, NULL, NULL);
  g_ptr_array_extend (with_carriers, wrapped, NULL, NULL);
  examples = with_carriers;
  g_autoptr(SdChatLinear) self = g_new0 (SdChatLinear, 1);
  self->oos_threshold = -1;
  self->spelling = g_steal_pointer (&spelling);
  self->intents = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = examples->len;
  g_autofree guint *label = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      SdChatExample *e = examples->pdata[i];
      gpointer v;
      if (!g_hash_table_lookup_extended (index, e->intent, NULL, &v))
        {
          v = GUINT_TO_POINTER (self->intents->len);
          g_ptr_array_add (self->intents, g_strdup (e->intent));
          g_hash_table_insert (index, self->intents->pdata[self->intents->len - 1], v);
        }
      label[i] = GPOINTER_TO_UINT (v);
    }
  self->k = self->intents->len;
  gsize n_w = ((gsize) 1 << HASH_BITS) * self->k;
  self->w = g_new0 (float, n_w);
  self->bias = g_new0 (float, self->k);
  g_autofree float *g2 = g_new0 (float, n_w);
  g_autofree double *g2b = g_new0 (double, self->k);
  g_autofree double *prob = g_new (double, self->k);

  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree guint *start = g_new (guint, n + 1);
  g_autofree float *xval = g_new (float, n);
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < n; i++)
    {
      start[i] = all->len;
      xval[i] = featurize (((SdChatExample *) examples->pdata[i])->text, idx);
      g_array_append_vals (all, idx->data, idx->len);
    }
  start[n] = all->len;

  g_autofree guint *order = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const float lr = 0.5f;
  for (guint epoch = 0; epoch < epochs; epoch++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      for (guint i = n; i > 1; i--)
        {
          guint j = g_rand_int_range (rand, 0, i), t = order[i - 1];
          order[i - 1] = order[j];
          order[j] = t;
        }
      for (guint oi = 0; oi < n; oi++)
        {
          guint r = order[oi];
          const guint32 *f = &g_array_index (all, guint32, start[r]);
          guint nf = start[r + 1] - start[r];
          forward (self, f, nf, xval[r], prob);
          prob[label[r]] -= 1.0;
          for (guint c = 0; c < self->k; c++)
            {
              g2b[c] += prob[c] * prob[c];
              self->bias[c] -= lr * prob[c] / (sqrt (g2b[c]) + 1e-8);
            }
          for (guint i = 0; i < nf; i++)
            {
              float *row = self->w + (gsize) f[i] * self->k;
              float *acc = g2 + (gsize) f[i] * self->k;
              for (guint c = 0; c < self->k; c++)
                {
                  float g = prob[c] * xval[r];
                  if (g == 0.0f)
                    continue;
                  acc[c] += g * g;
                  row[c] -= lr * g / (sqrtf (acc[c]) + 1e-8f);
                }
            }
        }
    }
  return g_steal_pointer (&self);
}

const char *
sd_chat_linear_get_intent (SdChatLinear *self,
                           guint         index)
{
  return index < self->k ? self->intents->pdata[index] : NULL;
}

char *
sd_chat_linear_correct_spelling (SdChatLinear *self,
                                 const char   *text)
{
  return self->spelling ? sd_chat_spelling_correct (self->spelling, text) : g_strdup (text);
}

void
sd_chat_linear_predict_probs (SdChatLinear *self,
                              const char   *text,
                              double       *probs)
{
  g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree char *corrected = sd_chat_linear_correct_spelling (self, text);
  float x = featurize (corrected, idx);
  forward (self, (const guint32 *) idx->data, idx->len, x, probs);
}

guint
sd_chat_linear_predict (SdChatLinear  *self,
                        const char    *text,
                        SdIntentGuess *top,
                        guint          n)
{
  g_autofree double *prob = g_new (double, self->k);
  sd_chat_linear_predict_probs (self, text, prob);
  guint written = 0;
  for (; written < n && written < self->k; written++)
    {
      guint best = 0;
      double bp = -1;
      for (guint c = 0; c < self->k; c++)
        if (prob[c] > bp)
          {
            bp = prob[c];
            best = c;
          }
      top[written].intent = self->intents->pdata[best];
      top[written].prob = bp;
      prob[best] = -2;
    }
  return written;
}

double
sd_chat_linear_get_oos_threshold (SdChatLinear *self)
{
  return self->oos_threshold;
}

static guint
hash_string (const char *s)
{
  guint32 h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (guchar) *s) * 16777619u;
  return h;
}

SdChatLinear *
sd_chat_linear_train_tuned (GPtrArray     *examples,
                            guint          epochs,
                            const char    *oos_intent,
                            double         target_recall,
                            GCancellable  *cancellable,
                            GError       **error)
{
  /* A fifth of the paraphrase groups (of the texts, for examples without one) held out:
   * what the threshold is tuned on must not have a paraphrase in training. */
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new ();
  for (guint i = 0; examples && i < examples->len; i++)
    {
      SdChatExample *e = examples->pdata[i];
      g_ptr_array_add (hash_string (e->group ? e->group : e->text) % 5 == 0 ? held : kept, e);
    }
  double threshold = -1;
  if (held->len > 0 && kept->len > 0)
    {
      g_autoptr(SdChatLinear) probe = sd_chat_linear_train (kept, epochs, cancellable, error);
      if (probe == NULL)
        return NULL;
      g_autoptr(GArray) cases = g_array_new (FALSE, FALSE, sizeof (SdOosCase));
      for (guint i = 0; i < held->len; i++)
        {
          SdChatExample *e = held->pdata[i];
          SdIntentGuess top;
          SdOosCase c;
          sd_chat_linear_predict (probe, e->text, &top, 1);
          c.confidence = top.prob;
          c.is_oos = strcmp (e->intent, oos_intent) == 0;
          c.predicted_oos = strcmp (top.intent, oos_intent) == 0;
          c.correct = strcmp (top.intent, e->intent) == 0;
          g_array_append_val (cases, c);
        }
      threshold = sd_oos_choose_threshold ((SdOosCase *) cases->data, cases->len, target_recall);
    }
  SdChatLinear *self = sd_chat_linear_train (examples, epochs, cancellable, error);
  if (self)
    self->oos_threshold = threshold;
  return self;
}

/* --- the cache ---------------------------------------------------------------------- */

#define SAVE_MAGIC "SDLIN03"   /* 02: concept features; 03: trained with carriers */
#define CACHE_KEEP 4

gboolean
sd_chat_linear_is_cached (SdChatLinear *self)
{
  return self->cached;
}

/* Floats and integers in the host's order: the cache never leaves the machine. */
static GBytes *
save (SdChatLinear *self)
{
  GByteArray *out = g_byte_array_new ();
  guint32 head[2] = { self->k, HASH_BITS };
  g_byte_array_append (out, (const guint8 *) SAVE_MAGIC, 8);
  g_byte_array_append (out, (const guint8 *) head, sizeof head);
  g_byte_array_append (out, (const guint8 *) &self->oos_threshold, sizeof (double));
  for (guint c = 0; c < self->k; c++)
    g_byte_array_append (out, self->intents->pdata[c], strlen (self->intents->pdata[c]) + 1);
  g_byte_array_append (out, (const guint8 *) self->bias, self->k * sizeof (float));
  g_byte_array_append (out, (const guint8 *) self->w, (guint) (((gsize) 1 << HASH_BITS) * self->k * sizeof (float)));
  return g_byte_array_free_to_bytes (out);
}

static SdChatLinear *
load (GBytes *bytes)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len), *end = p + len;
  guint32 head[2];
  if (len < 8 + sizeof head + sizeof (double) || memcmp (p, SAVE_MAGIC, 8) != 0)
    return NULL;
  memcpy (head, p + 8, sizeof head);
  if (head[1] != HASH_BITS || head[0] == 0 || head[0] > 10000)
    return NULL;
  g_autoptr(SdChatLinear) self = g_new0 (SdChatLinear, 1);
  self->k = head[0];
  self->intents = g_ptr_array_new_with_free_func (g_free);
  p += 8 + sizeof head;
  memcpy (&self->oos_threshold, p, sizeof (double));
  p += sizeof (double);
  for (guint c = 0; c < self->k; c++)
    {
      const guint8 *nul = memchr (p, 0, end - p);
      if (nul == NULL)
        return NULL;
      g_ptr_array_add (self->intents, g_strndup ((const char *) p, nul - p));
      p = nul + 1;
    }
  gsize n_w = ((gsize) 1 << HASH_BITS) * self->k;
  if ((gsize) (end - p) != (self->k + n_w) * sizeof (float))
    return NULL;
  self->bias = g_memdup2 (p, self->k * sizeof (float));
  self->w = g_memdup2 (p + self->k * sizeof (float), n_w * sizeof (float));
  self->cached = TRUE;
  return g_steal_pointer (&self);
}

char *
sd_chat_linear_cache_key (GPtrArray  *examples,
                          guint       epochs,
                          const char *oos_intent,
                          double      target_recall)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char head[96];
  /* what the model is made of: the trainer's version and settings, then every example */
  g_snprintf (head, sizeof head, "%s %u %u %s %u ", SAVE_MAGIC, HASH_BITS, epochs, oos_intent,
              (guint) SD_CHAT_CARRIER_PERCENT);
  g_checksum_update (sum, (const guchar *) head, -1);
  /* an edited lexicon gives other features */
  g_checksum_update (sum, (const guchar *) sd_chat_concepts_get_checksum (sd_chat_concepts_builtin ()), -1);
  g_checksum_update (sum, (const guchar *) sd_chat_carriers_get_checksum (), -1);
  g_ascii_dtostr (head, sizeof head, target_recall);
  g_checksum_update (sum, (const guchar *) head, -1);
  g_autofree char *digest = sd_chat_corpus_examples_digest (examples);
  g_checksum_update (sum, (const guchar *) digest, -1);
  return g_strdup (g_checksum_get_string (sum));
}

/* Keeps the CACHE_KEEP newest fallback models in @dir (each shop and each state of its
 * corrections has its own). */
static void
prune (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, "fallback-") && g_str_has_suffix (name, ".bin"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        GStatBuf st;
        if (g_stat (path, &st) == 0)
          {
            gint64 t = st.st_mtime;
            g_ptr_array_add (files, g_steal_pointer (&path));
            g_array_append_val (times, t);
          }
      }
  while (files->len > CACHE_KEEP)
    {
      guint oldest = 0;
      for (guint i = 1; i < files->len; i++)
        if (g_array_index (times, gint64, i) < g_array_index (times, gint64, oldest))
          oldest = i;
      g_remove (files->pdata[oldest]);
      g_ptr_array_remove_index_fast (files, oldest);
      g_array_remove_index_fast (times, oldest);
    }
}

SdChatLinear *
sd_chat_linear_train_cached (GPtrArray     *examples,
                             guint          epochs,
                             const char    *oos_intent,
                             double         target_recall,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autofree char *key = sd_chat_linear_cache_key (examples, epochs, oos_intent, target_recall);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "shopdesk", NULL);
  g_autofree char *file = g_strconcat ("fallback-", key, ".bin", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  gchar *contents = NULL;
  gsize len = 0;

  if (g_file_get_contents (path, &contents, &len, NULL))
    {
      g_autoptr(GBytes) bytes = g_bytes_new_take (contents, len);
      SdChatLinear *cached = load (bytes);
      if (cached)
        {
          cached->spelling = sd_chat_spelling_new (examples);
          return cached;
        }
      g_debug ("fallback classifier cache %s is damaged; training again", path);
    }
  SdChatLinear *self = sd_chat_linear_train_tuned (examples, epochs, oos_intent, target_recall,
                                                   cancellable, error);
  if (self == NULL)
    return NULL;
  /* a cache that cannot be written costs the next dialogue a training, nothing more */
  g_autoptr(GBytes) bytes = save (self);
  g_autoptr(GError) local = NULL;
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &local))
    g_debug ("could not cache the fallback classifier in %s: %s", path,
             local ? local->message : g_strerror (errno));
  else
    prune (dir);
  return self;
}
