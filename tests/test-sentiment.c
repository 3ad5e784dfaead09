/* test-sentiment.c — negation, the built-in model, and quality on Amazon reviews */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sd-error.h"

#include "sd-sentiment.h"
#include "sd-sentiment-data.h"
#include "sd-text-features.h"

static gboolean
has_name (GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (strcmp (names->pdata[i], name) == 0)
      return TRUE;
  return FALSE;
}

static void
test_negation_scope (void)
{
  g_autoptr(GPtrArray) en = sd_text_feature_names ("It is NOT good, but great.", 1000);
  g_assert_true (has_name (en, "NOT_w:good"));
  g_assert_false (has_name (en, "w:good"));
  /* the comma ends the scope */
  g_assert_true (has_name (en, "w:great"));
  g_assert_false (has_name (en, "NOT_w:great"));

  g_autoptr(GPtrArray) contraction = sd_text_feature_names ("I don't like it", 1000);
  g_assert_true (has_name (contraction, "NOT_w:like"));

  g_autoptr(GPtrArray) zh = sd_text_feature_names ("质量不好。很喜欢", 1000);
  g_assert_true (has_name (zh, "NOT_c:好"));
  g_assert_true (has_name (zh, "cc:不|好"));
  g_assert_true (has_name (zh, "c:喜"));      /* 。 ends the scope */
}

/* The features come from the tokenizer: hyphenated words stay whole, emoji count once
 * per pictograph, a line break ends the negation scope, and stray quote marks do not. */
static void
test_feature_tokens (void)
{
  g_autoptr(GPtrArray) en = sd_text_feature_names ("not a well-made 'T-shirt'\ngood \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD!", 1000);
  g_assert_true (has_name (en, "NOT_w:well-made"));
  g_assert_true (has_name (en, "NOT_w:t-shirt"));   /* the quote mark is no punctuation here */
  g_assert_true (has_name (en, "w:good"));          /* the line break ended the scope */
  g_assert_false (has_name (en, "b:t-shirt|good"));
  g_assert_true (has_name (en, "s:\xF0\x9F\x91\x8D"));   /* the thumb, without its skin tone */
  g_assert_true (has_name (en, "s:!"));

  /* An order number inside Chinese text leaves the characters around it adjacent. */
  g_autoptr(GPtrArray) zh = sd_text_feature_names ("订单SD-100234的状态", 1000);
  g_assert_true (has_name (zh, "w:sd-100234"));
  g_assert_true (has_name (zh, "cc:单|的"));
}

static void
test_read_reviews (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-sentiment-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "reviews.json", NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  const char *good =
    "{\"summary\": \"Love it \\ud83d\\ude00\", \"reviewText\": \"says \\\"overall\\\": 1\", \"overall\": 5.0}\n"
    "\n"
    "{\"overall\": 3, \"reviewText\": \"ok\"}\n"
    "{\"reviewText\": \"broke\", \"overall\": 1.0}\n";

  g_assert_true (g_file_set_contents (path, good, -1, NULL));
  g_assert_true (sd_sentiment_read_reviews (path, 0, texts, labels, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (texts->len, ==, 3);
  g_assert_cmpstr (texts->pdata[0], ==, "Love it \xF0\x9F\x98\x80. says \"overall\": 1");
  g_assert_cmpstr (texts->pdata[1], ==, ". ok");
  g_assert_cmpuint (g_array_index (labels, guint, 0), ==, SD_SENTIMENT_POSITIVE);
  g_assert_cmpuint (g_array_index (labels, guint, 1), ==, SD_SENTIMENT_NEUTRAL);
  g_assert_cmpuint (g_array_index (labels, guint, 2), ==, SD_SENTIMENT_NEGATIVE);

  /* At most max_rows reviews (blank lines do not count). */
  g_ptr_array_set_size (texts, 0);
  g_array_set_size (labels, 0);
  g_assert_true (sd_sentiment_read_reviews (path, 2, texts, labels, &error));
  g_assert_cmpuint (texts->len, ==, 2);

  /* A rating out of range, and a line that is not JSON, name their line. */
  g_assert_true (g_file_set_contents (path, "{\"overall\": 5}\n{\"overall\": \"5\"}\n", -1, NULL));
  g_assert_false (sd_sentiment_read_reviews (path, 0, texts, labels, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT);
  g_assert_nonnull (strstr (error->message, "line 2: no rating"));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "{\"overall\": 5}\n\n{\"overall\": 5,}\n", -1, NULL));
  g_assert_false (sd_sentiment_read_reviews (path, 0, texts, labels, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "reviews.json:3:"));

  g_remove (path);
  g_rmdir (dir);
}

static void
test_builtin (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSentiment) model = sd_sentiment_new_builtin (&error);
  g_assert_no_error (error);

  /* Held-out phrasings (not in the built-in corpus). */
  static const struct { const char *text; SdSentimentLabel label; } cases[] = {
    { "this is absolutely terrible, I am furious", SD_SENTIMENT_NEGATIVE },
    { "the parcel came broken and nobody answers", SD_SENTIMENT_NEGATIVE },
    { "thank you so much, it's lovely", SD_SENTIMENT_POSITIVE },
    { "great service, really happy", SD_SENTIMENT_POSITIVE },
    { "when does my order ship", SD_SENTIMENT_NEUTRAL },
    { "do you have blue mugs", SD_SENTIMENT_NEUTRAL },
    { "太差劲了，我要投诉", SD_SENTIMENT_NEGATIVE },
    { "非常满意，谢谢你们", SD_SENTIMENT_POSITIVE },
    { "请问什么时候发货", SD_SENTIMENT_NEUTRAL },
    { "not happy at all", SD_SENTIMENT_NEGATIVE },
  };
  guint correct = 0;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SdSentimentResult r;
      sd_sentiment_predict (model, cases[i].text, &r);
      g_test_message ("%-45s → %s (%.2f %.2f %.2f)", cases[i].text,
                      sd_sentiment_label_to_string (r.label), r.prob[0], r.prob[1], r.prob[2]);
      correct += r.label == cases[i].label;
      g_assert_cmpfloat_with_epsilon (r.prob[0] + r.prob[1] + r.prob[2], 1.0, 1e-6);
    }
  g_assert_cmpuint (correct, >=, 8);

  /* What the raw model hears as no more negative than neutral is not negative, and its
   * chances say so: never "neutral" beside "negative 0.86" (a question out of scope was
   * shown so, the calibration fitted on reviews having lifted its negative chance). */
  static const char *const calm[] = { "tell me a joke", "where is my order?", "what's the weather like",
                                      "给我讲个笑话" };
  for (guint i = 0; i < G_N_ELEMENTS (calm); i++)
    {
      SdSentimentResult r;
      sd_sentiment_predict (model, calm[i], &r);
      g_test_message ("%-45s → %s (%.2f %.2f %.2f)", calm[i],
                      sd_sentiment_label_to_string (r.label), r.prob[0], r.prob[1], r.prob[2]);
      g_assert_cmpint (r.label, !=, SD_SENTIMENT_NEGATIVE);
      g_assert_cmpfloat (r.prob[r.label], >=, r.prob[SD_SENTIMENT_NEGATIVE]);
      g_assert_cmpfloat_with_epsilon (r.prob[0] + r.prob[1] + r.prob[2], 1.0, 1e-6);
    }

  /* save → load gives the same predictions */
  g_autoptr(GBytes) saved = sd_sentiment_save (model);
  g_autoptr(SdSentiment) loaded = sd_sentiment_load (saved, &error);
  g_assert_no_error (error);
  SdSentimentResult a, b;
  sd_sentiment_predict (model, "not good at all", &a);
  sd_sentiment_predict (loaded, "not good at all", &b);
  g_assert_cmpint (a.label, ==, b.label);
  g_assert_cmpfloat_with_epsilon (a.prob[0], b.prob[0], 1e-9);

  g_autoptr(GBytes) junk = g_bytes_new_static ("SDSENT01xxxx", 12);
  g_assert_null (sd_sentiment_load (junk, &error));
  g_assert_nonnull (error);
}

static void
test_amazon (void)
{
  const char *dir = g_getenv ("SD_DATASETS_DIR");
  g_autofree char *path = g_build_filename (dir ? dir : ".", "amazon-musical-instruments",
                                            "reviews_Musical_Instruments_5.json.gz", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("amazon-musical-instruments/reviews_Musical_Instruments_5.json.gz is absent");
      return;
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint));
  g_assert_true (sd_sentiment_read_reviews (path, 0, texts, labels, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (texts->len, >, 10000);

  g_autoptr(GPtrArray) tr_t = g_ptr_array_new (), te_t = g_ptr_array_new ();
  g_autoptr(GArray) tr_l = g_array_new (FALSE, FALSE, sizeof (SdSentimentLabel));
  g_autoptr(GArray) te_l = g_array_new (FALSE, FALSE, sizeof (SdSentimentLabel));
  for (guint i = 0; i < texts->len; i++)
    {
      SdSentimentLabel l = g_array_index (labels, guint, i);
      gboolean test = sd_sentiment_part_of (texts->pdata[i]) == SD_SENTIMENT_PART_TEST;
      g_ptr_array_add (test ? te_t : tr_t, texts->pdata[i]);
      g_array_append_val (test ? te_l : tr_l, l);
    }

  g_autoptr(SdSentiment) model = sd_sentiment_new (18);
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (sd_sentiment_train (model, (const char *const *) tr_t->pdata,
                                     (SdSentimentLabel *) tr_l->data, tr_t->len,
                                     NULL, NULL, &error));
  double secs = (g_get_monotonic_time () - t0) / 1e6;

  SdSentimentEval eval, base;
  sd_sentiment_evaluate (model, (const char *const *) te_t->pdata,
                         (SdSentimentLabel *) te_l->data, te_t->len, &eval);
  sd_sentiment_evaluate_constant (SD_SENTIMENT_POSITIVE, (SdSentimentLabel *) te_l->data,
                                  te_l->len, &base);
  g_test_message ("Amazon musical instruments: train %u, test %u, %.2f s", tr_t->len, te_t->len, secs);
  g_test_message ("model:    accuracy %.3f, macro-F1 %.3f (F1 neg %.3f, neu %.3f, pos %.3f)",
                  eval.accuracy, eval.macro_f1, eval.f1[0], eval.f1[1], eval.f1[2]);
  g_test_message ("majority: accuracy %.3f, macro-F1 %.3f", base.accuracy, base.macro_f1);
  for (guint g = 0; g < SD_N_SENTIMENTS; g++)
    g_test_message ("confusion %-8s %5u %5u %5u", sd_sentiment_label_to_string (g),
                    eval.confusion[g][0], eval.confusion[g][1], eval.confusion[g][2]);

  g_assert_cmpfloat (eval.macro_f1, >, base.macro_f1 + 0.15);
  g_assert_cmpfloat (eval.accuracy, >, 0.75);
}


/* The shipped model hears complaints in a chat, with the signals an unhappy customer
 * uses, and does not hear a plain question as one. */
static void
test_shipped_chat (void)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(SdSentiment) model = sd_sentiment_new_builtin (&error);
  double secs = (g_get_monotonic_time () - t0) / 1e6;
  g_assert_no_error (error);
  g_test_message ("the shipped model loads in %.3f s", secs);
  /* loading, not training: the dialogue's first message must not wait for it */
  g_assert_cmpfloat (secs, <, 1.0);
  g_assert_true (sd_sentiment_get_calibration (model, SD_SENTIMENT_SCRIPT_LATIN, NULL, NULL, NULL));
  g_assert_true (sd_sentiment_get_calibration (model, SD_SENTIMENT_SCRIPT_CJK, NULL, NULL, NULL));

  static const struct { const char *text; gboolean negative; } cases[] = {
    { "I've been waiting two weeks for my order, this is ridiculous", TRUE },
    { "my parcel STILL hasn't arrived!!!", TRUE },
    { "you sent the wrong size again", TRUE },
    { "I was promised a refund a month ago and I've heard nothing", TRUE },
    { "怎么还没发货", TRUE },
    { "等了半个月了还没收到，太慢了", TRUE },
    { "东西是坏的，差评", TRUE },
    { "where is my order SD-100234", FALSE },
    { "do you have the blue mug in stock?", FALSE },
    { "can I still change my address?", FALSE },
    { "thanks, that was quick", FALSE },
    { "我的快递到哪了", FALSE },
    { "这款有红色的吗", FALSE },
    { "谢谢，很满意", FALSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SdSentimentResult r;
      sd_sentiment_predict (model, cases[i].text, &r);
      g_test_message ("%-62s → %s (neg %.2f)", cases[i].text, sd_sentiment_label_to_string (r.label),
                      r.prob[SD_SENTIMENT_NEGATIVE]);
      g_assert_cmpfloat_with_epsilon (r.prob[0] + r.prob[1] + r.prob[2], 1.0, 1e-6);
      if (cases[i].negative)
        g_assert_cmpint (r.label, ==, SD_SENTIMENT_NEGATIVE);
      else
        g_assert_cmpint (r.label, !=, SD_SENTIMENT_NEGATIVE);
    }
}

static char *
dataset (const char *relative)
{
  const char *dir = g_getenv ("SD_DATASETS_DIR");
  return g_build_filename (dir ? dir : ".", relative, NULL);
}

/* The two review data sets' paths; FALSE (the test skipped) where either is absent. */
static gboolean
review_datasets (char **amazon,
                 char **chinese)
{
  *amazon = dataset ("amazon-musical-instruments/reviews_Musical_Instruments_5.json.gz");
  *chinese = dataset ("chinese-reviews/online_shopping_10_cats.csv");
  if (g_file_test (*amazon, G_FILE_TEST_EXISTS) && g_file_test (*chinese, G_FILE_TEST_EXISTS))
    return TRUE;
  g_test_skip ("the Amazon musical-instrument or the Chinese review data set is absent");
  return FALSE;
}

/* Issue 14's targets, on the test parts of both review sets (never trained on: the split
 * is sd_sentiment_part_of(), the one the script that made the model used), measured on
 * the model the app ships. English is balanced and leaves 3-star reviews out. */
static void
test_shipped_held_out (void)
{
  g_autofree char *amazon = NULL, *chinese = NULL;
  if (!review_datasets (&amazon, &chinese))
    return;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSentiment) model = sd_sentiment_new_builtin (&error);
  g_assert_no_error (error);

  for (guint s = 0; s < 2; s++)
    {
      g_autoptr(SdSentimentSet) test = sd_sentiment_review_set (s ? NULL : amazon, s ? chinese : NULL,
                                                                SD_SENTIMENT_PART_TEST, &error);
      g_assert_no_error (error);
      SdSentimentScore score;
      sd_sentiment_score (model, test, &score);
      g_test_message ("%s held out: %u reviews, %u negative; negative recall %.3f, precision %.3f, "
                      "PR-AUC %.3f", s ? "Chinese" : "English (balanced, no 3-star)", score.n,
                      score.n_negative, score.recall, score.precision, score.pr_auc);
      g_assert_cmpuint (score.n_negative, >=, s ? 1000 : 70);
      if (!s)
        g_assert_cmpuint (score.n, ==, 2 * score.n_negative);
      g_assert_cmpfloat (score.recall, >=, 0.80);
      g_assert_cmpfloat (score.precision, >=, 0.75);
      g_assert_cmpfloat (score.pr_auc, >=, 0.85);
    }
}

/* Issue 14's goal for real customers: complaints heard as negative at least 60 % of the
 * time, at a precision of at least 0.70. tests/fixtures/chat-mood.tsv holds complaints
 * written for this test, mostly without a complaint word (a parcel twelve days late, a
 * card charged twice), beside calm requests about the same things; none is in any
 * training data. The model that shipped before delivery problems counted as complaints
 * heard 0.60 of the English and 0.575 of the Chinese ones. */
static void
test_chat_mood (void)
{
  const char *dir = g_getenv ("SD_FIXTURES_DIR");
  g_autofree char *path = g_build_filename (dir ? dir : "tests/fixtures", "chat-mood.tsv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_autoptr(SdSentiment) model = sd_sentiment_new_builtin (&error);
  g_assert_no_error (error);

  static const char *const langs[] = { "en", "zh_CN" };
  guint heard[2] = { 0 }, complaints[2] = { 0 }, false_alarms[2] = { 0 }, calm[2] = { 0 };
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", 3);
      g_assert_cmpuint (g_strv_length (f), ==, 3);
      guint l = strcmp (f[1], "en") == 0 ? 0 : 1;
      g_assert_cmpstr (f[1], ==, langs[l]);
      gboolean complaint = strcmp (f[0], "complaint") == 0;
      g_assert_true (complaint || strcmp (f[0], "calm") == 0);
      SdSentimentResult r;
      sd_sentiment_predict (model, f[2], &r);
      gboolean negative = r.label == SD_SENTIMENT_NEGATIVE;
      if (complaint != negative)
        g_test_message ("%s %-60s → %s (neg %.2f)", complaint ? "missed" : "false alarm", f[2],
                        sd_sentiment_label_to_string (r.label), r.prob[SD_SENTIMENT_NEGATIVE]);
      complaints[l] += complaint;
      calm[l] += !complaint;
      heard[l] += complaint && negative;
      false_alarms[l] += !complaint && negative;
    }
  for (guint l = 0; l < 2; l++)
    {
      double recall = (double) heard[l] / complaints[l];
      double precision = heard[l] ? (double) heard[l] / (heard[l] + false_alarms[l]) : 0;
      g_test_message ("%s: %u of %u complaints heard as negative (%.3f), %u of %u calm requests "
                      "(precision %.3f)", langs[l], heard[l], complaints[l], recall, false_alarms[l],
                      calm[l], precision);
      g_assert_cmpuint (complaints[l], >=, 40);
      g_assert_cmpuint (calm[l], >=, 40);
      g_assert_cmpfloat (recall, >=, 0.60);
      g_assert_cmpfloat (precision, >=, 0.70);
    }
}

/* data/chat-corpus/sentiment.bin is what make-sentiment-model.sh makes from today's code and
 * chat corpus: a model left behind by a corpus change (as one was, until issue 14's last
 * round) would be tested here while the script made another. */
static void
test_shipped_current (void)
{
  g_autofree char *amazon = NULL, *chinese = NULL;
  if (!review_datasets (&amazon, &chinese))
    return;
  g_autoptr(GError) error = NULL;
  /* the settings sentiment-train uses by default, as the script runs it */
  g_autoptr(SdSentiment) trained = sd_sentiment_train_shipped (amazon, chinese, 18, 0.85, NULL, &error);
  g_assert_no_error (error);
  g_autoptr(GBytes) made = sd_sentiment_save (trained);
  g_autoptr(GBytes) shipped = g_resources_lookup_data ("/io/github/shopdesk/Shopdesk/core/chat/sentiment.bin",
                                                       G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  if (!g_bytes_equal (made, shipped))
    g_test_message ("data/chat-corpus/sentiment.bin is out of date: run data/chat-corpus/make-sentiment-model.sh "
                    "BUILD and rebuild");
  g_assert_true (g_bytes_equal (made, shipped));
}

/* The Chinese review file: 0/1 labels, anything else named with its line. */
static void
test_read_chinese (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-sentiment-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "reviews.csv", NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "text,label\n很好用,1\n\"太差了，退货\",0\n", -1, NULL));
  g_assert_true (sd_sentiment_read_chinese_reviews (path, texts, labels, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (texts->len, ==, 2);
  g_assert_cmpstr (texts->pdata[1], ==, "太差了，退货");
  g_assert_cmpuint (g_array_index (labels, guint, 0), ==, SD_SENTIMENT_POSITIVE);
  g_assert_cmpuint (g_array_index (labels, guint, 1), ==, SD_SENTIMENT_NEGATIVE);

  g_assert_true (g_file_set_contents (path, "text,label\n很好用,1\n一般,3\n", -1, NULL));
  g_assert_false (sd_sentiment_read_chinese_reviews (path, texts, labels, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT);
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_remove (path);
  g_rmdir (dir);
}

/* The split is by text: the same text always in the same part, about a fifth in test. */
static void
test_split (void)
{
  guint test = 0;
  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *text = g_strdup_printf ("review number %u", i);
      SdSentimentPart part = sd_sentiment_part_of (text);
      g_assert_cmpint (part, ==, sd_sentiment_part_of (text));
      test += part == SD_SENTIMENT_PART_TEST;
    }
  g_assert_cmpuint (test, >, 1800);
  g_assert_cmpuint (test, <, 2200);
}

/* A calibrated model's label follows its threshold, and the calibration survives saving. */
static void
test_calibration (void)
{
  static const char *const texts[] = { "awful broken junk", "lovely great thing", "where is it", "terrible awful", "great lovely" };
  static const SdSentimentLabel labels[] = { SD_SENTIMENT_NEGATIVE, SD_SENTIMENT_POSITIVE, SD_SENTIMENT_NEUTRAL,
                                             SD_SENTIMENT_NEGATIVE, SD_SENTIMENT_POSITIVE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSentiment) model = sd_sentiment_new (12);
  g_assert_true (sd_sentiment_train (model, texts, labels, G_N_ELEMENTS (texts), NULL, NULL, &error));
  SdSentimentResult r;
  sd_sentiment_predict (model, "awful junk", &r);
  g_assert_cmpint (r.label, ==, SD_SENTIMENT_NEGATIVE);
  /* a threshold above any chance: nothing is negative */
  sd_sentiment_set_calibration (model, SD_SENTIMENT_SCRIPT_LATIN, 1, 0, 1.01);
  sd_sentiment_predict (model, "awful junk", &r);
  g_assert_cmpint (r.label, !=, SD_SENTIMENT_NEGATIVE);
  /* a steep scale pushes the chance of negative towards 0 or 1 */
  sd_sentiment_set_calibration (model, SD_SENTIMENT_SCRIPT_LATIN, 10, 0, 0.5);
  sd_sentiment_predict (model, "awful junk", &r);
  g_assert_cmpint (r.label, ==, SD_SENTIMENT_NEGATIVE);
  g_assert_cmpfloat (r.prob[SD_SENTIMENT_NEGATIVE], >, 0.9);
  g_assert_cmpfloat_with_epsilon (r.prob[0] + r.prob[1] + r.prob[2], 1.0, 1e-6);

  g_autoptr(GBytes) saved = sd_sentiment_save (model);
  g_autoptr(SdSentiment) loaded = sd_sentiment_load (saved, &error);
  g_assert_no_error (error);
  double a, b, t;
  g_assert_true (sd_sentiment_get_calibration (loaded, SD_SENTIMENT_SCRIPT_LATIN, &a, &b, &t));
  g_assert_cmpfloat (a, ==, 10);
  g_assert_cmpfloat (t, ==, 0.5);
  g_autoptr(SdSentiment) fresh = sd_sentiment_new (10);
  g_assert_false (sd_sentiment_get_calibration (fresh, SD_SENTIMENT_SCRIPT_CJK, &a, &b, &t));
  g_assert_cmpfloat (a, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sentiment/negation-scope", test_negation_scope);
  g_test_add_func ("/sentiment/feature-tokens", test_feature_tokens);
  g_test_add_func ("/sentiment/read-reviews", test_read_reviews);
  g_test_add_func ("/sentiment/builtin", test_builtin);
  g_test_add_func ("/sentiment/amazon", test_amazon);
  g_test_add_func ("/sentiment/shipped-chat", test_shipped_chat);
  g_test_add_func ("/sentiment/shipped-held-out", test_shipped_held_out);
  g_test_add_func ("/sentiment/shipped-current", test_shipped_current);
  g_test_add_func ("/sentiment/chat-mood", test_chat_mood);
  g_test_add_func ("/sentiment/read-chinese", test_read_chinese);
  g_test_add_func ("/sentiment/split", test_split);
  g_test_add_func ("/sentiment/calibration", test_calibration);
  return g_test_run ();
}
