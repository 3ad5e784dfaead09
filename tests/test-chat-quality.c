/* test-chat-quality.c — how well the chatbot's intents are understood: the built-in corpus's
 * held-out paraphrase groups, and customer-service data nobody here wrote (Bitext, HINT3)
 * mapped onto the chatbot's intents */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "sd-chat-corpus.h"
#include "sd-csv.h"
#include "sd-entities.h"
#include "sd-chat-linear.h"
#include "sd-dialogue.h"
#include "sd-intent-blend.h"
#include "sd-intent-eval.h"
#include "sd-intent-model.h"

#define OOS_INTENT "out_of_scope"

/* Issue 14 asks for 0.90 on all three; the chatbot (its intent model averaged with the
 * fallback linear classifier, sd-intent-blend) measures English 0.908 (0.908-0.909 over
 * fold seeds 14, 1 and 2, after its round 25), Chinese 0.906 (0.906-0.910, after its
 * round 32) and Bitext 0.862 (README.md, "How well the chatbot understands"). Both
 * languages are held to the target itself; Bitext's floor sits about 1.5 points below and
 * catches a regression. */
#define HELD_OUT_TARGET   0.90
#define HELD_OUT_FLOOR_EN HELD_OUT_TARGET
#define HELD_OUT_FLOOR_ZH HELD_OUT_TARGET
/* The held-out groups wrapped in carriers the chatbot was never trained with: English 0.873
 * and Chinese 0.829 before it was trained with carriers of its own, 0.897 and 0.881 since
 * (fold seed 14; README.md). The floors sit between. */
#define WRAPPED_FLOOR_EN  0.885
#define WRAPPED_FLOOR_ZH  0.865
/* Held-out examples that name a product, with an Online Retail title in its place: masking
 * the names the catalogue finds must gain at least CATALOGUE_GAIN over classifying them as
 * written, and lose at most CATALOGUE_LOSS against the corpus's own names (README.md, "A
 * real catalogue's names"). */
#define CATALOGUE_GAIN    0.05
#define CATALOGUE_LOSS    0.03
#define BITEXT_TARGET     0.90
#define BITEXT_FLOOR      0.841

/* SD_CHAT_PARAMS="concepts=3,dropout=0.3,…" overrides the chatbot's settings, for trying
 * others on the inner folds (below) without rebuilding. */
static void
override_params (SdIntentParams *params)
{
  const char *spec = g_getenv ("SD_CHAT_PARAMS");
  g_auto(GStrv) items = g_strsplit (spec ? spec : "", ",", -1);
  for (guint i = 0; items[i]; i++)
    {
      g_auto(GStrv) kv = g_strsplit (items[i], "=", 2);
      if (kv[0] == NULL || kv[1] == NULL)
        continue;
      double v = g_ascii_strtod (kv[1], NULL);
      if (strcmp (kv[0], "concepts") == 0) params->concepts = v;
      else if (strcmp (kv[0], "pairs") == 0) params->concept_pairs = v != 0;
      else if (strcmp (kv[0], "dropout") == 0) params->feature_dropout = v;
      else if (strcmp (kv[0], "smooth") == 0) params->label_smoothing = v;
      else if (strcmp (kv[0], "dim") == 0) params->dim = v;
      else if (strcmp (kv[0], "epochs") == 0) params->epochs = v;
      else if (strcmp (kv[0], "lr") == 0) params->lr = v;
      else if (strcmp (kv[0], "models") == 0) params->n_models = v;
      else if (strcmp (kv[0], "balanced") == 0) params->balanced = v != 0;
      else if (strcmp (kv[0], "ngrams") == 0) params->word_ngrams = v;
      else if (strcmp (kv[0], "charmin") == 0) params->char_min = v;
      else if (strcmp (kv[0], "charmax") == 0) params->char_max = v;
      else if (strcmp (kv[0], "mincount") == 0) params->min_count = v;
      else
        g_error ("SD_CHAT_PARAMS: unknown setting %s", kv[0]);
    }
}

/* Trained as sd_dialogue_train_intent_model() trains the chatbot's model. */
static SdIntentModel *
train (GPtrArray *examples)
{
  g_autoptr(SdIntentData) data = sd_dialogue_intent_data (examples);
  g_autoptr(GError) error = NULL;
  SdIntentParams params;

  sd_dialogue_intent_params_init (&params);
  override_params (&params);
  SdIntentModel *model = sd_intent_model_train (data, &params, NULL, NULL, &error);
  g_assert_no_error (error);
  return model;
}

/* What the chatbot classifies with once its intent model is trained: the model averaged
 * with the fallback linear classifier, their joint out-of-scope threshold tuned as
 * sd_dialogue_train_intent_model() tunes it. */
typedef struct {
  SdIntentModel *model;
  SdChatLinear  *linear;
  SdIntentBlend  blend;
} Shipped;

static void
shipped_clear (Shipped *s)
{
  g_clear_object (&s->model);
  g_clear_pointer (&s->linear, sd_chat_linear_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Shipped, shipped_clear)

static void
train_shipped (GPtrArray *examples,
               Shipped   *s)
{
  g_autoptr(GError) error = NULL;
  s->model = train (examples);
  /* what sd_chat_linear_train_cached() trains last, on all the examples */
  s->linear = sd_chat_linear_train (examples, 12, NULL, &error);
  g_assert_no_error (error);
  sd_intent_blend_init (&s->blend);
  g_assert_true (sd_dialogue_tune_blend_threshold (examples, &s->blend.threshold, NULL, &error));
  g_assert_no_error (error);
}

/* What the chatbot acts on: below the threshold a message is out of scope. */
static const char *
understood (Shipped *s, const char *text)
{
  SdIntentGuess top[1];
  gboolean oos;
  sd_intent_blend_predict (&s->blend, s->model, s->linear, text, top, 1, &oos);
  return oos ? OOS_INTENT : top[0].intent;
}

#define N_FOLDS 5

/* The figures above are of seed 14; SD_CHAT_FOLD_SEED deals the folds otherwise, to see how
 * much a figure owes to one deal. */
static guint64
fold_seed (void)
{
  const char *seed = g_getenv ("SD_CHAT_FOLD_SEED");
  return seed ? g_ascii_strtoull (seed, NULL, 10) : 14;
}

/* Deals the corpus's paraphrase groups into N_FOLDS folds: every intent's groups in each
 * language are shuffled (seeded) and dealt in turn, so each fold holds about a fifth of
 * every intent's groups, whole; no test sentence then has a paraphrase of itself in the
 * training data. Returns the fold of each example. */
static guint *
deal_groups (GPtrArray *all,
             guint32    seed)
{
  g_autoptr(GHashTable) groups_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) fold_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint *folds = g_new (guint, all->len);

  /* groups in order of first appearance, per language and intent */
  for (guint i = 0; i < all->len; i++)
    {
      SdChatExample *e = all->pdata[i];
      g_autofree char *key = g_strconcat (e->lang, "|", e->intent, NULL);
      GPtrArray *groups = g_hash_table_lookup (groups_of, key);
      if (groups == NULL)
        {
          groups = g_ptr_array_new ();
          g_ptr_array_add (keys, key);
          g_hash_table_insert (groups_of, g_steal_pointer (&key), groups);
        }
      if (!g_ptr_array_find_with_equal_func (groups, e->group, g_str_equal, NULL))
        g_ptr_array_add (groups, e->group);
    }
  for (guint k = 0; k < keys->len; k++)
    {
      GPtrArray *groups = g_hash_table_lookup (groups_of, keys->pdata[k]);
      for (guint i = groups->len; i > 1; i--)
        {
          guint j = g_rand_int_range (rand, 0, i);
          gpointer t = groups->pdata[i - 1];
          groups->pdata[i - 1] = groups->pdata[j];
          groups->pdata[j] = t;
        }
      for (guint i = 0; i < groups->len; i++)
        g_hash_table_insert (fold_of, groups->pdata[i], GUINT_TO_POINTER (i % N_FOLDS));
    }
  for (guint i = 0; i < all->len; i++)
    folds[i] = GPOINTER_TO_UINT (g_hash_table_lookup (fold_of, ((SdChatExample *) all->pdata[i])->group));
  return folds;
}

/* The accuracy on @held's texts in @lang of what ships (out of scope counts as wrong
 * unless the truth is out of scope), of the intent model alone (its own threshold) and of
 * the linear classifier alone (best intent); with --verbose, every miss of what ships
 * (what to write the next paraphrases or concepts about). */
/* Customers wrap what they ask in greetings, pleas and thanks. The chatbot is trained with
 * the carriers of data/chat-corpus/carriers.tsv (sd-chat-carriers.h); it is scored here
 * with these, which it never saw (checked by /chat-quality/unseen-carriers), put before or
 * after the held-out examples of every intent but the social ones. */
static const char *const probe_before[2][5] = {
  { "good morning,", "hi there,", "I'd like some assistance:", "could you help me,", "question for you:" },
  { "早上好，", "哈喽，", "想咨询一下，", "能帮我看看吗，", "客服你好，" },
};
static const char *const probe_after[2][5] = {
  { ", thanks a lot", " please help", ", cheers", " if possible", ", appreciate it" },
  { "，感谢", "，帮帮忙", "，辛苦了", "，尽快哦", "，拜托了" },
};

/* @e's text in a carrier it was not trained with, or NULL for a social intent's example. */
static char *
probe_text (SdChatExample *e)
{
  static const char *const social[] = { "greeting", "thanks", "goodbye", "affirm", "deny", NULL };
  guint h = g_str_hash (e->text);
  guint zh = g_str_has_prefix (e->lang, "zh");
  guint k = (h / 7) % 5;

  if (g_strv_contains (social, e->intent))
    return NULL;
  if (h % 2)
    return g_strconcat (probe_before[zh][k], zh ? "" : " ", e->text, NULL);
  return g_strconcat (e->text, probe_after[zh][k], NULL);
}

static gboolean
check_unseen (const char *const *fields, gpointer data, GError **error)
{
  for (guint l = 0; l < 2; l++)
    for (guint k = 0; k < 5; k++)
      {
        g_autofree char *after = g_strstrip (g_strdup (probe_after[l][k]));
        if (strcmp (fields[2], probe_before[l][k]) == 0 || strcmp (fields[2], after) == 0)
          g_error ("carriers.tsv has the test's carrier “%s”: the wrapped figures would be of seen carriers",
                   fields[2]);
      }
  (*(guint *) data)++;
  return TRUE;
}

static void
test_unseen_carriers (void)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (sd_chat_corpus_read_builtin_tsv ("carriers.tsv", 3, check_unseen, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 50);
}

static guint
score_language (Shipped    *s,
                GPtrArray  *held,
                const char *lang,
                gboolean    wrapped,
                double     *accuracy,
                double     *model_accuracy,
                double     *linear_accuracy)
{
  guint n = 0, right = 0, model_right = 0, linear_right = 0;
  for (guint i = 0; i < held->len; i++)
    {
      SdChatExample *e = held->pdata[i];
      SdIntentGuess top[1];
      SdIntentPrediction p;
      if (strcmp (e->lang, lang) != 0)
        continue;
      n++;
      g_autofree char *probe = wrapped ? probe_text (e) : NULL;
      const char *text = probe ? probe : e->text;
      const char *got = understood (s, text);
      right += strcmp (got, e->intent) == 0;
      if (g_test_verbose () && strcmp (got, e->intent) != 0)
        g_test_message ("  miss: %s -> %s: %s", e->intent, got, text);
      sd_intent_model_predict (s->model, text, &p);
      model_right += strcmp (p.out_of_scope ? OOS_INTENT : p.name, e->intent) == 0;
      sd_chat_linear_predict (s->linear, text, top, 1);
      linear_right += strcmp (top[0].intent, e->intent) == 0;
    }
  g_assert_cmpuint (n, >, 0);
  *accuracy = (double) right / n;
  *model_accuracy = (double) model_right / n;
  *linear_accuracy = (double) linear_right / n;
  return n;
}

/* The ways of averaging the two classifiers the inner folds compare (the intent model alone
 * and the linear classifier alone are the weights 1 and 0). */
static const struct {
  const char   *name;
  SdIntentBlend blend;
} blends[] = {
  { "intent model alone", { SD_INTENT_BLEND_MEAN, 1.0 } },
  { "linear alone", { SD_INTENT_BLEND_MEAN, 0.0 } },
  { "mean w=0.3", { SD_INTENT_BLEND_MEAN, 0.3 } },
  { "mean w=0.5", { SD_INTENT_BLEND_MEAN, 0.5 } },
  { "mean w=0.7", { SD_INTENT_BLEND_MEAN, 0.7 } },
  { "geometric w=0.3", { SD_INTENT_BLEND_GEOMETRIC, 0.3 } },
  { "geometric w=0.5", { SD_INTENT_BLEND_GEOMETRIC, 0.5 } },
  { "geometric w=0.7", { SD_INTENT_BLEND_GEOMETRIC, 0.7 } },
};

/* Each blend's accuracy (best label, no threshold) on @held's texts in @lang into @acc. */
static void
score_blends (SdIntentModel *model,
              SdChatLinear  *linear,
              GPtrArray     *held,
              const char    *lang,
              gboolean       wrapped,
              double        *acc)
{
  g_autofree double *probs = g_new (double, sd_intent_model_get_n_labels (model));
  guint n = 0;
  memset (acc, 0, sizeof (double) * G_N_ELEMENTS (blends));
  for (guint i = 0; i < held->len; i++)
    {
      SdChatExample *e = held->pdata[i];
      if (strcmp (e->lang, lang) != 0)
        continue;
      n++;
      g_autofree char *probe = wrapped ? probe_text (e) : NULL;
      for (guint b = 0; b < G_N_ELEMENTS (blends); b++)
        {
          SdIntentGuess top[1];
          sd_intent_blend_probs (&blends[b].blend, model, linear, probe ? probe : e->text, probs);
          sd_intent_blend_top (model, probs, top, 1);
          acc[b] += strcmp (top[0].intent, e->intent) == 0;
        }
    }
  for (guint b = 0; b < G_N_ELEMENTS (blends); b++)
    acc[b] /= MAX (n, 1);
}

/* ---- a real catalogue's product names ----------------------------------------------------- */

/* The English product names the corpus is written with (make-corpus.py's {product} values),
 * longest first so that "desk lamp" is found before "lamp". */
static const char *const corpus_products[] = {
  "coffee grinder", "protein powder", "guitar strings", "scented candle", "water bottle", "rain jacket",
  "phone case", "desk lamp", "face cream", "frying pan", "sofa cover", "teddy bear", "headphones",
  "yoga mat", "backpack", "trainers", "sneakers", "notebook", "mattress", "vitamins", "shampoo",
  "blanket", "cushion", "speaker", "charger", "t-shirt", "toaster", "earbuds", "teapot", "jacket",
  "hoodie", "candle", "kettle", "mirror", "pillow", "puzzle", "boots", "dress", "scarf", "jeans",
  "duvet", "watch", "lamp", "vase", "mug", "rug",
};

/* The Online Retail shop's product titles (a UK gift wholesaler: "WOODLAND STORAGE BOX
 * LARGE"), in file order without repeats; NULL when the data set is absent. */
static GPtrArray *
online_retail_titles (void)
{
  const char *dir = g_getenv ("SD_DATASETS_DIR");
  g_autofree char *path = g_build_filename (dir ? dir : "../shared/datasets", "online-retail",
                                            "online_retail.csv.gz", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCsvReader) reader = sd_csv_reader_new_for_path (path, &error);
  g_assert_no_error (error);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *titles = g_ptr_array_new ();
  guint column = G_MAXUINT;
  while (sd_csv_reader_next (reader, &error))
    {
      if (column == G_MAXUINT)
        {
          for (guint i = 0; i < sd_csv_reader_get_n_fields (reader); i++)
            if (strcmp (sd_csv_reader_get_field (reader, i, NULL), "Description") == 0)
              column = i;
          g_assert_cmpuint (column, !=, G_MAXUINT);
          continue;
        }
      g_autofree char *title = g_strstrip (g_strdup (sd_csv_reader_get_field (reader, column, NULL)));
      /* two words or more: what a customer would name (not "POSTAGE" or "Manual") */
      if (strchr (title, ' ') == NULL || g_hash_table_contains (seen, title))
        continue;
      g_ptr_array_add (titles, title);
      g_hash_table_add (seen, g_steal_pointer (&title));
    }
  g_assert_no_error (error);
  g_hash_table_steal_all (seen);
  return titles;
}

/* @e's text, if English, with its first corpus product name replaced by an Online Retail
 * title as a customer types it (lower case; the whole title, the title without its last
 * word — "woodland storage box" for "… LARGE" —, or its last two words, chosen by a hash
 * of the text), or NULL when it names none. */
static char *
with_catalogue_name (SdChatExample *e,
                     GPtrArray     *titles)
{
  if (strcmp (e->lang, "en") != 0)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (corpus_products); i++)
    {
      const char *p = corpus_products[i];
      const char *at = strstr (e->text, p);
      gsize n = strlen (p);
      if (at == NULL || (guchar) p[0] >= 0x80 || (at > e->text && g_ascii_isalnum (at[-1])) ||
          g_ascii_isalnum (at[n]))
        continue;
      guint h = g_str_hash (e->text);
      g_autofree char *lower = g_utf8_strdown (titles->pdata[h % titles->len], -1);
      g_auto(GStrv) words = g_strsplit (lower, " ", -1);
      guint len = g_strv_length (words), from = 0;
      switch ((h / 7) % 4)
        {
        case 0: case 1: break;
        case 2: if (len >= 3) g_clear_pointer (&words[--len], g_free); break;
        default: from = len - 2; break;
        }
      g_autofree char *name = g_strjoinv (" ", words + from);
      g_autofree char *before = g_strndup (e->text, at - e->text);
      return g_strconcat (before, name, at + n, NULL);
    }
  return NULL;
}

/* the word sd_entity_mask_products() puts in an English product name's place */
#define MASK_WORD "lamp"

typedef struct {
  guint n, as_written, named, masked;
} CatalogueScore;

/* The held-out English examples that name a product, scored as written, with an Online Retail
 * title in its place as the chatbot used to classify them, and as it does now (the names
 * the shop's catalogue finds masked, sd_entity_mask_products()). */
static void
score_catalogue_names (Shipped           *s,
                       GPtrArray         *held,
                       GPtrArray         *titles,
                       SdEntityExtractor *extractor,
                       const char        *word,
                       CatalogueScore    *score)
{
  for (guint i = 0; i < held->len; i++)
    {
      SdChatExample *e = held->pdata[i];
      g_autofree char *named = with_catalogue_name (e, titles);
      if (named == NULL)
        continue;
      g_autoptr(GPtrArray) entities = sd_entity_extractor_extract (extractor, named, NULL);
      g_autofree char *masked = sd_entity_mask_products (named, entities);
      /* the inner folds compare other words in the place of the one the chatbot masks with */
      if (word)
        {
          g_auto(GStrv) parts = g_strsplit (masked, MASK_WORD, -1);
          g_free (masked);
          masked = g_strjoinv (word, parts);
        }
      score->n++;
      score->as_written += strcmp (understood (s, e->text), e->intent) == 0;
      score->named += strcmp (understood (s, named), e->intent) == 0;
      gboolean right = strcmp (understood (s, masked), e->intent) == 0;
      score->masked += right;
      if (g_test_verbose () && !right)
        g_test_message ("  miss with a catalogue name: %s -> %s: %s (classified as: %s)", e->intent,
                        understood (s, masked), named, masked);
    }
}

/* Five times, what ships is trained on four fifths of the paraphrase groups (both
 * languages, as the app trains it; the joint threshold tuned within those four fifths) and
 * scored on the fifth it did not see; the target is on the mean of the five, which a lucky
 * fold cannot carry. */
static void
test_held_out_groups (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = sd_chat_corpus_builtin_examples (NULL, &error);
  const char *langs[] = { "en", "zh_CN" };
  const char *how[] = { "as written", "in unseen carriers" };
  /* [wrapped][language] */
  double sum[2][2] = { { 0 } }, model_sum[2][2] = { { 0 } }, linear_sum[2][2] = { { 0 } };
  double blend_sum[2][2][G_N_ELEMENTS (blends)] = { { { 0 } } };

  g_assert_no_error (error);
  g_autoptr(GPtrArray) titles = online_retail_titles ();
  g_autoptr(SdEntityExtractor) extractor = sd_entity_extractor_new ();
  for (guint i = 0; titles && i < titles->len; i++)
    sd_entity_extractor_add_term (extractor, SD_ENTITY_PRODUCT, titles->pdata[i], NULL, i + 1);
  CatalogueScore catalogue = { 0 };
  g_autofree guint *folds = deal_groups (all, fold_seed ());
  for (guint f = 0; f < N_FOLDS; f++)
    {
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();
      g_autoptr(GPtrArray) held_out = g_ptr_array_new ();
      for (guint i = 0; i < all->len; i++)
        g_ptr_array_add (folds[i] == f ? held_out : kept, all->pdata[i]);
      g_auto(Shipped) s = { 0 };
      train_shipped (kept, &s);
      if (titles)
        score_catalogue_names (&s, held_out, titles, extractor, NULL, &catalogue);

      for (guint w = 0; w < 2; w++)
        for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
          {
            double acc, model_acc, linear_acc;
            guint n = score_language (&s, held_out, langs[l], w, &acc, &model_acc, &linear_acc);
            g_assert_cmpuint (n, >=, 300);
            g_test_message ("held-out paraphrase groups %s, fold %u, %s: %u examples, the chatbot (averaged, "
                            "threshold %.3f) %.4f; sd-intent-model alone %.4f, fallback linear alone %.4f",
                            how[w], f + 1, langs[l], n, s.blend.threshold, acc, model_acc, linear_acc);
            sum[w][l] += acc;
            model_sum[w][l] += model_acc;
            linear_sum[w][l] += linear_acc;
            double bacc[G_N_ELEMENTS (blends)];
            score_blends (s.model, s.linear, held_out, langs[l], w, bacc);
            for (guint b = 0; b < G_N_ELEMENTS (blends); b++)
              blend_sum[w][l][b] += bacc[b];
          }
    }
  for (guint w = 0; w < 2; w++)
    {
      for (guint b = 0; b < G_N_ELEMENTS (blends); b++)
        g_test_message ("held-out %s, mean of %u folds, best label without threshold, %s: en %.4f, zh_CN %.4f",
                        how[w], N_FOLDS, blends[b].name, blend_sum[w][0][b] / N_FOLDS, blend_sum[w][1][b] / N_FOLDS);
      for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
        g_test_message ("held-out paraphrase groups %s, %s, mean of %u folds: the chatbot %.4f; sd-intent-model "
                        "alone %.4f, fallback linear alone %.4f", how[w], langs[l], N_FOLDS, sum[w][l] / N_FOLDS,
                        model_sum[w][l] / N_FOLDS, linear_sum[w][l] / N_FOLDS);
    }
  if (titles)
    {
      double as_written = (double) catalogue.as_written / catalogue.n, named = (double) catalogue.named / catalogue.n;
      double masked = (double) catalogue.masked / catalogue.n;
      g_test_message ("held-out English examples naming a product, %u over the 5 folds: as written %.4f; with an Online "
                      "Retail title in its place %.4f as it was classified before, %.4f with the catalogue's "
                      "names masked", catalogue.n, as_written, named, masked);
      g_assert_cmpuint (catalogue.n, >=, 1000);
      g_assert_cmpfloat (masked, >=, named + CATALOGUE_GAIN);
      g_assert_cmpfloat (masked, >=, as_written - CATALOGUE_LOSS);
    }
  else
    g_test_message ("The Online Retail data set is absent (set SD_DATASETS_DIR): its product names not tried");
  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      if (sum[0][l] / N_FOLDS < HELD_OUT_TARGET)
        g_test_message ("%s: below issue 14's target of %.2f", langs[l], HELD_OUT_TARGET);
      g_assert_cmpfloat (sum[0][l] / N_FOLDS, >=, l == 0 ? HELD_OUT_FLOOR_EN : HELD_OUT_FLOOR_ZH);
      g_assert_cmpfloat (sum[1][l] / N_FOLDS, >=, l == 0 ? WRAPPED_FLOOR_EN : WRAPPED_FLOOR_ZH);
    }
}

/* How settings were chosen: the training part of the first fold above (its held-out fifth
 * never seen) dealt again into five folds of groups, and the first three of those scored.
 * Only with SD_CHAT_INNER_FOLDS=1 (three trainings); SD_CHAT_PARAMS sets what to try, and
 * SD_CHAT_WRAPPED=1 scores the examples in carriers the training never saw. */
static void
test_inner_folds (void)
{
  if (!g_getenv ("SD_CHAT_INNER_FOLDS"))
    {
      g_test_skip ("Set SD_CHAT_INNER_FOLDS=1 (and SD_CHAT_PARAMS) to compare settings on inner folds");
      return;
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = sd_chat_corpus_builtin_examples (NULL, &error);
  g_assert_no_error (error);
  g_autofree guint *folds = deal_groups (all, fold_seed ());
  g_autoptr(GPtrArray) outer = g_ptr_array_new ();
  for (guint i = 0; i < all->len; i++)
    if (folds[i] != 0)
      g_ptr_array_add (outer, all->pdata[i]);
  g_autofree guint *inner = deal_groups (outer, 41);
  const char *langs[] = { "en", "zh_CN" };
  /* the word a product name is masked with: the chatbot's, then others to compare */
  static const char *const mask_words[] = { MASK_WORD, "mug", "item", "thing", "product", "one" };
  g_autoptr(GPtrArray) titles = online_retail_titles ();
  g_autoptr(SdEntityExtractor) extractor = sd_entity_extractor_new ();
  for (guint i = 0; titles && i < titles->len; i++)
    sd_entity_extractor_add_term (extractor, SD_ENTITY_PRODUCT, titles->pdata[i], NULL, i + 1);
  CatalogueScore catalogue[G_N_ELEMENTS (mask_words)] = { { 0 } };
  double sum[2] = { 0 }, linear_sum[2] = { 0 };
  double blend_sum[2][G_N_ELEMENTS (blends)] = { { 0 } };
  for (guint f = 0; f < 3; f++)
    {
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();
      g_autoptr(GPtrArray) held = g_ptr_array_new ();
      for (guint i = 0; i < outer->len; i++)
        g_ptr_array_add (inner[i] == f ? held : kept, outer->pdata[i]);
      /* the threshold is not tuned here (two trainings more): the blends are compared on
       * their best label */
      g_auto(Shipped) s = { .model = train (kept) };
      s.linear = sd_chat_linear_train (kept, 12, NULL, &error);
      g_assert_no_error (error);
      sd_intent_blend_init (&s.blend);
      for (guint w = 0; titles && w < G_N_ELEMENTS (mask_words); w++)
        score_catalogue_names (&s, held, titles, extractor, mask_words[w], &catalogue[w]);
      for (guint l = 0; l < 2; l++)
        {
          double acc, model_acc, linear_acc;
          gboolean wrapped = g_getenv ("SD_CHAT_WRAPPED") != NULL;
          guint n = score_language (&s, held, langs[l], wrapped, &acc, &model_acc, &linear_acc);
          g_test_message ("inner fold %u, %s: %u examples, sd-intent-model %.4f, fallback linear classifier %.4f",
                          f + 1, langs[l], n, model_acc, linear_acc);
          linear_sum[l] += linear_acc;
          sum[l] += model_acc;
          double acc_b[G_N_ELEMENTS (blends)];
          score_blends (s.model, s.linear, held, langs[l], wrapped, acc_b);
          for (guint b = 0; b < G_N_ELEMENTS (blends); b++)
            {
              g_test_message ("  %s: %.4f", blends[b].name, acc_b[b]);
              blend_sum[l][b] += acc_b[b];
            }
        }
    }
  for (guint w = 0; titles && w < G_N_ELEMENTS (mask_words); w++)
    g_test_message ("inner folds, English examples naming a product with an Online Retail title in its place "
                    "(%u): as written %.4f, as classified before %.4f, masked with “%s” %.4f", catalogue[w].n,
                    (double) catalogue[w].as_written / catalogue[w].n, (double) catalogue[w].named / catalogue[w].n,
                    mask_words[w], (double) catalogue[w].masked / catalogue[w].n);
  for (guint b = 0; b < G_N_ELEMENTS (blends); b++)
    g_test_message ("inner folds, mean of 3, best label without threshold, %s: en %.4f, zh_CN %.4f",
                    blends[b].name, blend_sum[0][b] / 3, blend_sum[1][b] / 3);
  g_test_message ("inner folds, mean of 3 (%s): en %.4f, zh_CN %.4f; fallback linear classifier en %.4f, "
                  "zh_CN %.4f", g_getenv ("SD_CHAT_PARAMS") ? g_getenv ("SD_CHAT_PARAMS") : "the chatbot's settings",
                  sum[0] / 3, sum[1] / 3, linear_sum[0] / 3, linear_sum[1] / 3);
}

/* ---- data sets mapped onto the chatbot's intents --------------------------------------- */

/* Reads a map `label<TAB>intent[|intent…]` or `label<TAB>skip`: label → GStrv of the intents
 * that count as right (the first is the intent the label means; the others are intents
 * that get the same reply), or an empty GStrv for a skipped label. */
static GHashTable *
read_map (const char *name)
{
  const char *dir = g_getenv ("SD_FIXTURES_DIR");
  g_autofree char *path = g_build_filename (dir ? dir : "tests/fixtures", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 2);
      g_assert_cmpuint (g_strv_length (fields), ==, 2);
      g_strstrip (fields[1]);
      g_hash_table_insert (map, g_strdup (fields[0]),
                           strcmp (fields[1], "skip") == 0 ? g_new0 (char *, 1)
                                                           : g_strsplit (fields[1], "|", -1));
    }
  return map;
}

typedef struct {
  guint n, right, strict, skipped, out_of_scope;
} Score;

/* Scores @model on a data set with the labels mapped by @map_name; per-label figures go to
 * the log. Every label in the file must be in the map, and every intent the map names must
 * be one of the model's, so that a typo in the map cannot pass unseen. */
static gboolean
score_mapped (Shipped       *shipped,
              const char    *file,
              const char    *text_column,
              const char    *label_column,
              const char    *map_name,
              Score         *score)
{
  const char *dir = g_getenv ("SD_DATASETS_DIR");
  g_autofree char *path = g_build_filename (dir ? dir : "../shared/datasets", file, NULL);
  g_autoptr(GError) error = NULL;
  memset (score, 0, sizeof *score);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;
  g_autoptr(SdIntentData) data = sd_intent_data_load (path, text_column, label_column, &error);
  g_assert_no_error (error);
  g_autoptr(GHashTable) map = read_map (map_name);
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, map);
  while (g_hash_table_iter_next (&iter, &key, &value))
    for (char **intent = value; *intent; intent++)
      if (sd_intent_model_find_label (shipped->model, *intent) < 0)
        g_error ("%s maps %s to %s, which is not an intent of the chatbot", map_name, (char *) key, *intent);

  g_autoptr(GHashTable) per_label = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < data->texts->len; i++)
    {
      const char *label = data->labels->pdata[i];
      char **accepted = g_hash_table_lookup (map, label);
      if (accepted == NULL)
        g_error ("%s: label %s is not in %s", file, label, map_name);
      if (accepted[0] == NULL)
        {
          score->skipped++;
          continue;
        }
      const char *got = understood (shipped, data->texts->pdata[i]);
      guint *counts = g_hash_table_lookup (per_label, label);
      if (counts == NULL)
        g_hash_table_insert (per_label, (gpointer) label, counts = g_new0 (guint, 2));
      gboolean ok = g_strv_contains ((const char *const *) accepted, got);
      counts[0]++;
      counts[1] += ok;
      score->n++;
      score->right += ok;
      score->strict += strcmp (got, accepted[0]) == 0;
      score->out_of_scope += strcmp (got, OOS_INTENT) == 0 && !ok;
    }

  g_autoptr(GList) labels = g_list_sort (g_hash_table_get_keys (per_label), (GCompareFunc) strcmp);
  for (GList *l = labels; l; l = l->next)
    {
      guint *counts = g_hash_table_lookup (per_label, l->data);
      g_test_message ("  %-28s %4u  %.3f", (char *) l->data, counts[0], (double) counts[1] / counts[0]);
    }
  return TRUE;
}

/* Trained once on the whole corpus for the tests that score it on other data. */
static Shipped whole;

static Shipped *
whole_corpus (void)
{
  if (whole.model == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) all = sd_chat_corpus_builtin_examples (NULL, &error);
      g_assert_no_error (error);
      train_shipped (all, &whole);
    }
  return &whole;
}

static void
test_bitext (void)
{
  Shipped *shipped = whole_corpus ();
  Score s;

  if (!score_mapped (shipped, "bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv",
                     "instruction", "intent", "bitext-intent-map.tsv", &s))
    {
      g_test_skip ("The Bitext customer-support data set is absent (set SD_DATASETS_DIR)");
      return;
    }
  double acc = (double) s.right / s.n, strict = (double) s.strict / s.n;
  g_test_message ("Bitext mapped onto the chatbot's intents: %u utterances (%u skipped), accuracy %.4f "
                  "(%.4f counting only each label's own intent)", s.n, s.skipped, acc, strict);
  g_test_message ("(the whole corpus's joint out-of-scope threshold: %.3f; %u utterances, %.4f, wrongly "
                  "taken as out of scope)", shipped->blend.threshold, s.out_of_scope, (double) s.out_of_scope / s.n);
  g_assert_cmpuint (s.n, >=, 3000);
  if (acc < BITEXT_TARGET)
    g_test_message ("Bitext: below issue 14's target of %.2f", BITEXT_TARGET);
  g_assert_cmpfloat (acc, >=, BITEXT_FLOOR);
}

static void
test_hint3 (void)
{
  Shipped *shipped = whole_corpus ();
  const char *shops[] = { "curekart", "sofmattress" };
  guint found = 0;

  for (guint i = 0; i < G_N_ELEMENTS (shops); i++)
    {
      g_autofree char *file = g_strdup_printf ("hint3/hint3_%s_train.csv", shops[i]);
      g_autofree char *map = g_strdup_printf ("hint3-%s-intent-map.tsv", shops[i]);
      Score s;
      if (!score_mapped (shipped, file, NULL, NULL, map, &s))
        continue;
      found++;
      g_test_message ("HINT3 %s mapped onto the chatbot's intents: %u utterances (%u skipped), "
                      "accuracy %.4f (%.4f counting only each label's own intent; %.4f wrongly taken as "
                      "out of scope)", shops[i], s.n, s.skipped, (double) s.right / s.n, (double) s.strict / s.n,
                      (double) s.out_of_scope / s.n);
      /* No target of its own (the figures are reported); only a sanity floor well
       * above chance (1/27) that a broken corpus or map would fall through. */
      g_assert_cmpfloat ((double) s.right / s.n, >=, 0.3);
    }
  if (found == 0)
    g_test_skip ("The HINT3 data set is absent (set SD_DATASETS_DIR)");
}

/* Out of scope on CLINC150: trained on four fifths of train.csv, the threshold tuned on
 * val.csv by sd-oos's rule (what chat-eval --valid does), scored on the other fifth of
 * train.csv, which nothing was chosen on. Issue 14's target: in-scope accuracy ≥ 0.90 at
 * out-of-scope recall ≥ 0.50. The held-out fifth holds only 20 out-of-scope texts. */
static void
test_clinc_oos (void)
{
  const char *dir = g_getenv ("SD_DATASETS_DIR");
  g_autofree char *train_path = g_build_filename (dir ? dir : "../shared/datasets", "clinc150", "train.csv", NULL);
  g_autofree char *valid_path = g_build_filename (dir ? dir : "../shared/datasets", "clinc150", "val.csv", NULL);
  if (!g_file_test (train_path, G_FILE_TEST_EXISTS) || !g_file_test (valid_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("The CLINC150 data set is absent (set SD_DATASETS_DIR)");
      return;
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(SdIntentData) all = sd_intent_data_load (train_path, "text", "intent", &error);
  g_assert_no_error (error);
  g_autoptr(SdIntentData) valid = sd_intent_data_load (valid_path, "text", "intent", &error);
  g_assert_no_error (error);
  g_autoptr(SdIntentData) kept = NULL, held = NULL;
  SdIntentParams params;
  sd_intent_params_init (&params);
  sd_intent_data_split (all, 0.2, params.seed, &kept, &held);
  params.oos_label = "oos";
  g_autoptr(SdIntentModel) model = sd_intent_model_train (kept, &params, NULL, NULL, &error);
  g_assert_no_error (error);

  g_autoptr(GArray) vcases = sd_intent_eval_oos_cases (model, valid);
  double t = sd_oos_choose_threshold ((SdOosCase *) vcases->data, vcases->len, SD_OOS_TARGET_RECALL);
  sd_intent_model_set_threshold (model, t);
  g_autoptr(GArray) cases = sd_intent_eval_oos_cases (model, held);
  SdOosPoint v, p, none;
  sd_oos_at ((SdOosCase *) vcases->data, vcases->len, t, &v);
  sd_oos_at ((SdOosCase *) cases->data, cases->len, t, &p);
  sd_oos_at ((SdOosCase *) cases->data, cases->len, 0, &none);
  guint n_oos = 0;
  for (guint i = 0; i < cases->len; i++)
    n_oos += g_array_index (cases, SdOosCase, i).is_oos;
  g_test_message ("CLINC150: threshold %.3f tuned on val.csv (in-scope %.4f, oos recall %.4f there)", t,
                  v.in_scope_accuracy, v.oos_recall);
  g_test_message ("held-out fifth of train.csv (%u texts, %u out of scope): in-scope accuracy %.4f, "
                  "oos recall %.4f (without the threshold: %.4f, %.4f)", cases->len, n_oos,
                  p.in_scope_accuracy, p.oos_recall, none.in_scope_accuracy, none.oos_recall);
  g_assert_cmpuint (n_oos, >=, 15);
  g_assert_cmpfloat (p.in_scope_accuracy, >=, 0.90);
  g_assert_cmpfloat (p.oos_recall, >=, 0.50);

  /* The chatbot averages its intent model with the fallback linear classifier: the same
   * rule tunes their joint threshold on val.csv, scored on the same held-out fifth. */
  g_autoptr(GPtrArray) kept_examples = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_chat_example_free);
  for (guint i = 0; i < kept->texts->len; i++)
    {
      SdChatExample *e = g_new0 (SdChatExample, 1);
      e->intent = g_strdup (kept->labels->pdata[i]);
      e->lang = g_strdup ("en");
      e->text = g_strdup (kept->texts->pdata[i]);
      g_ptr_array_add (kept_examples, e);
    }
  g_autoptr(SdChatLinear) linear = sd_chat_linear_train (kept_examples, 12, NULL, &error);
  g_assert_no_error (error);
  SdIntentBlend blend;
  sd_intent_blend_init (&blend);
  g_autoptr(GArray) bvcases = sd_intent_blend_oos_cases (&blend, model, linear, valid->texts, valid->labels, "oos");
  blend.threshold = sd_oos_choose_threshold ((SdOosCase *) bvcases->data, bvcases->len, SD_OOS_TARGET_RECALL);
  g_autoptr(GArray) bcases = sd_intent_blend_oos_cases (&blend, model, linear, held->texts, held->labels, "oos");
  sd_oos_at ((SdOosCase *) bvcases->data, bvcases->len, blend.threshold, &v);
  sd_oos_at ((SdOosCase *) bcases->data, bcases->len, blend.threshold, &p);
  sd_oos_at ((SdOosCase *) bcases->data, bcases->len, 0, &none);
  g_test_message ("averaged with the linear classifier (as the chatbot): threshold %.3f tuned on val.csv "
                  "(in-scope %.4f, oos recall %.4f there); held-out fifth: in-scope accuracy %.4f, oos "
                  "recall %.4f (without the threshold: %.4f, %.4f)", blend.threshold, v.in_scope_accuracy,
                  v.oos_recall, p.in_scope_accuracy, p.oos_recall, none.in_scope_accuracy, none.oos_recall);
  g_assert_cmpfloat (p.in_scope_accuracy, >=, 0.90);
  g_assert_cmpfloat (p.oos_recall, >=, 0.50);

  /* the same rule on the chatbot's own fallback classifier: a threshold is tuned */
  g_autoptr(GPtrArray) examples = sd_chat_corpus_builtin_examples (NULL, &error);
  g_assert_no_error (error);
  g_autoptr(SdChatLinear) fallback = sd_chat_linear_train_tuned (examples, 12, OOS_INTENT, SD_OOS_TARGET_RECALL,
                                                                 NULL, &error);
  g_assert_no_error (error);
  g_test_message ("the fallback classifier's tuned out-of-scope threshold: %.3f",
                  sd_chat_linear_get_oos_threshold (fallback));
  g_assert_cmpfloat (sd_chat_linear_get_oos_threshold (fallback), >=, 0);
  g_assert_cmpfloat (sd_chat_linear_get_oos_threshold (fallback), <, 1);
}

int
main (int    argc,
      char **argv)
{
  /* so that Chinese misses print as themselves under a UTF-8 locale */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chat-quality/unseen-carriers", test_unseen_carriers);
  g_test_add_func ("/chat-quality/inner-folds", test_inner_folds);
  g_test_add_func ("/chat-quality/held-out-groups", test_held_out_groups);
  g_test_add_func ("/chat-quality/bitext", test_bitext);
  g_test_add_func ("/chat-quality/hint3", test_hint3);
  g_test_add_func ("/chat-quality/clinc-oos", test_clinc_oos);
  int status = g_test_run ();
  shipped_clear (&whole);
  return status;
}
