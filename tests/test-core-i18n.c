/* test-core-i18n.c — the core's error messages follow the user's language: in Simplified
 * Chinese with LANGUAGE=zh_CN, in English otherwise, from the catalogues meson compiles
 * into <build>/po/<lang>/LC_MESSAGES */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "sd-coupon-rule.h"
#include "sd-coupon-store.h"
#include "sd-demo.h"
#include "sd-error.h"
#include "sd-job.h"
#include "sd-json.h"
#include "sd-recommender.h"
#include "sd-eval.h"
#include "sd-tune.h"
#include "temp-folder.h"

static const char *const zodiac_rule =
  "{\"name\": \"u\", \"conditions\": {\"type\": \"all\", \"conditions\": [{\"type\": \"zodiac\"}]},"
  " \"action\": {\"type\": \"free_shipping\"}}";

static char *localedir;

/* The language is read at each lookup, so one process can ask in both. */
static void
use_language (const char *language)
{
  if (language)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  /* gettext ignores LANGUAGE under the "C" locale; C.UTF-8 is built into glibc. */
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
}

static gboolean
have_catalogue (void)
{
  g_autofree char *mo = g_build_filename (localedir, "zh_CN", "LC_MESSAGES",
                                          GETTEXT_PACKAGE ".mo", NULL);

  if (g_file_test (mo, G_FILE_TEST_EXISTS))
    return TRUE;
  /* po/ is built only with the GUI (-Dgui=true). */
  g_test_skip ("no compiled zh_CN catalogue in the build");
  return FALSE;
}

static void
test_coupon_rule_zh_cn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCouponRule) rule = NULL;

  if (!have_catalogue ())
    return;
  use_language ("zh_CN");

  /* A message formatted by fail_at, with the file and line before it. */
  rule = sd_coupon_rule_from_json (zodiac_rule, "rule.json", &error);
  g_assert_null (rule);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "rule.json:1: 未知的条件类型“zodiac”");
  g_clear_error (&error);

  /* One from g_set_error in the rule's validation. */
  rule = sd_coupon_rule_from_json ("{\"name\": \"\", \"action\": {\"type\": \"free_shipping\"}}",
                                   "rule.json", &error);
  g_assert_no_error (error);
  g_assert_false (sd_coupon_rule_validate (rule, NULL, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "规则需要一个名称");

  use_language (NULL);
}

static void
test_other_parts_zh_cn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJsonNode) node = NULL;
  g_autoptr(SdRecommender) model = NULL;

  if (!have_catalogue ())
    return;
  use_language ("zh_CN");

  node = sd_json_parse ("[1, 2", -1, "data.json", &error);
  g_assert_null (node);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_suffix (error->message, "数组中输入意外结束"));
  g_clear_error (&error);

  model = sd_recommender_new ("zodiac", &error);
  g_assert_null (model);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "未知模型“zodiac”；可用的模型有："));

  use_language (NULL);
}

/* Why an item is recommended, as the Recommendations page shows it beside the item: in
 * Chinese with the Chinese interface (it was English there). */
static void
test_reasons_zh_cn (void)
{
  SdReason factor = { .kind = SD_REASON_FACTOR, .item = 7, .weight = 20.15, .share = 0.372 };
  SdReason cosine = { .kind = SD_REASON_FACTOR, .item = 7, .weight = 0.83 };
  SdReason alike = { .kind = SD_REASON_SIMILAR_ITEM, .item = 7, .weight = 0.424 };
  SdReason popular = { .kind = SD_REASON_POPULAR, .item = G_MAXUINT, .count = 3 };
  SdReason content = { .kind = SD_REASON_CONTENT, .item = G_MAXUINT, .terms = (char *) "heart,lantern" };
  g_autofree char *en = NULL, *zh = NULL, *zh_popular = NULL, *zh_content = NULL;
  g_autofree char *en_cosine = NULL, *en_alike = NULL, *numbers = NULL, *zh_cosine = NULL, *zh_alike = NULL;

  /* A share a person can read, not the model's raw measure ("contribution 20.15" beside a
   * score of 54); the raw figures are kept for a tooltip and --json. */
  use_language (NULL);
  en = sd_reason_describe (&factor, NULL);
  g_assert_cmpstr (en, ==, "partly because of item #7");
  {
    SdReason most = { .kind = SD_REASON_FACTOR, .item = 7, .weight = 30, .share = 0.6 };
    SdReason bought = { .kind = SD_REASON_SIMILAR_ITEM, .item = 7, .weight = 0.3, .share = 0.6 };
    g_autofree char *en_most = sd_reason_describe (&most, NULL);
    g_autofree char *en_bought = sd_reason_describe (&bought, NULL);

    g_assert_cmpstr (en_most, ==, "mostly because of item #7");
    g_assert_cmpstr (en_bought, ==, "mostly because they bought item #7");
  }
  en_cosine = sd_reason_describe (&cosine, NULL);
  g_assert_cmpstr (en_cosine, ==, "because of item #7, much like it");
  en_alike = sd_reason_describe (&alike, NULL);
  g_assert_cmpstr (en_alike, ==, "bought item #7 (42\u00a0% alike)");
  numbers = sd_reason_describe_numbers (&factor);
  g_assert_cmpstr (numbers, ==, "contribution 20.15, share 0.372");
  if (!have_catalogue ())
    return;
  use_language ("zh_CN");
  zh = sd_reason_describe (&factor, NULL);
  zh_popular = sd_reason_describe (&popular, NULL);
  zh_content = sd_reason_describe (&content, NULL);
  zh_cosine = sd_reason_describe (&cosine, NULL);
  zh_alike = sd_reason_describe (&alike, NULL);
  g_assert_cmpstr (zh, ==, "部分因与 商品 #7 相关");
  g_assert_cmpstr (zh_cosine, ==, "因与 商品 #7 相近");
  g_assert_cmpstr (zh_alike, ==, "买过 商品 #7（相似度 42\u00a0%）");
  g_assert_cmpstr (zh_popular, ==, "热门：3 位客户买过");
  g_assert_cmpstr (zh_content, ==, "包含 “heart”、“lantern”");
  use_language (NULL);
}

/* The rule names of the demo shop's coupons: stored in the language the demo is made in,
 * and read back as stored whatever the language is later (a name the user typed is
 * never translated, even one that happens to be a message Shopdesk knows). */
static GPtrArray *
demo_rules (const char *language,
            char      **dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(SdStore) store = NULL;
  SdDemoOptions demo;

  *dir = g_dir_make_tmp ("sd-i18n-demo-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "shop.sqlite", NULL);
  store = sd_store_open (path, &error);
  g_assert_no_error (error);
  use_language (language);
  sd_demo_options_init (&demo);
  g_assert_true (sd_demo_options_for_size (&demo, "20", &error));
  g_assert_true (sd_demo_generate (store, &demo, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return sd_coupon_rules_load (store, &error);
}

static gboolean
has_rule (GPtrArray  *rules,
          const char *name)
{
  for (guint i = 0; i < rules->len; i++)
    if (g_strcmp0 (((SdCouponRule *) g_ptr_array_index (rules, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

static void
remove_shop (char *dir)
{
  temp_folder_remove (dir);
  g_free (dir);
}

static void
test_demo_rule_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) en = NULL, zh = NULL;
  char *en_dir = NULL, *zh_dir = NULL;

  en = demo_rules (NULL, &en_dir);
  g_assert_true (has_rule (en, "Win back lapsed customers"));
  g_assert_true (has_rule (en, "VIP thank-you: £5 off over £50"));
  if (!have_catalogue ())
    {
      remove_shop (en_dir);
      return;
    }
  zh = demo_rules ("zh_CN", &zh_dir);
  g_assert_cmpuint (zh->len, ==, en->len);
  g_assert_true (has_rule (zh, "召回流失客户"));
  g_assert_true (has_rule (zh, "VIP 答谢：满 £50 减 £5"));
  g_assert_false (has_rule (zh, "Win back lapsed customers"));

  /* Opened in Chinese later, the English demo's names (and any the user typed) stay. */
  {
    g_autofree char *path = g_build_filename (en_dir, "shop.sqlite", NULL);
    g_autoptr(SdStore) store = sd_store_open (path, &error);
    g_autoptr(GPtrArray) again = NULL;

    g_assert_no_error (error);
    again = sd_coupon_rules_load (store, &error);
    g_assert_no_error (error);
    g_assert_true (has_rule (again, "Win back lapsed customers"));
    g_assert_false (has_rule (again, "召回流失客户"));
  }
  use_language (NULL);
  remove_shop (en_dir);
  remove_shop (zh_dir);
}

/* A rule summed up for people is in their language (the Recommendations page's "because",
 * `coupons list`); the one the rule's JSON and history keep is not. */
static void
test_rule_summary_zh_cn (void)
{
  static const char *const json =
    "{\"name\": \"vip\", \"conditions\": {\"type\": \"all\", \"conditions\": ["
    " {\"type\": \"segment\", \"text\": \"vip\"},"
    " {\"type\": \"cart_subtotal\", \"op\": \">=\", \"value\": 5000}]},"
    " \"action\": {\"type\": \"percent_off\", \"percent\": 10, \"cap_cents\": 1500}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCouponRule) rule = sd_coupon_rule_from_json (json, "rule.json", &error);
  g_autofree char *en = NULL, *zh = NULL, *data = NULL;

  g_assert_no_error (error);
  use_language (NULL);
  en = sd_coupon_rule_describe_for_people (rule, NULL);
  /* people read a segment's name, as the pages show it elsewhere */
  g_assert_cmpstr (en, ==, "10 % off (max 15.00) — segment is VIP and cart >= 50.00");
  if (!have_catalogue ())
    return;
  use_language ("zh_CN");
  zh = sd_coupon_rule_describe_for_people (rule, NULL);
  data = sd_coupon_rule_describe (rule);
  g_assert_cmpstr (zh, ==, "优惠 10 %（最多 15.00） — 客户群为 VIP 且 购物车金额 >= 50.00");
  /* for machines the segment's code, whatever the language */
  g_assert_cmpstr (data, ==, "10 % off (max 15.00) — segment is vip and cart >= 50.00");
  use_language (NULL);
}

static void
test_english_without_language (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCouponRule) rule = NULL;

  use_language (NULL);
  rule = sd_coupon_rule_from_json (zodiac_rule, "rule.json", &error);
  g_assert_null (rule);
  g_assert_cmpstr (error->message, ==, "rule.json:1: unknown condition type “zodiac”");
}

/* The job's progress line after one epoch of a fit reported with @loss. */
static char *
epoch_text (double loss)
{
  g_autoptr(SdRecommender) model = sd_recommender_new ("als", NULL);
  g_autoptr(SdJob) job = sd_job_new ("fit", NULL, NULL, NULL);
  SdFitContext context = { .job = job };

  g_assert_nonnull (model);
  g_assert_true (sd_recommender_report_epoch (model, &context, 2, 15, loss, NULL));
  while (sd_job_get_text (job) == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_strdup (sd_job_get_text (job));
}

/* The progress panel's line while a model trains is the user's language's, and its loss
 * a number as people write it: it read "Epoch 2 of 15, loss 1.00325e+06" in Chinese too. */
static void
test_training_progress (void)
{
  g_autofree char *english = NULL;
  g_autofree char *small = NULL;

  use_language (NULL);
  english = epoch_text (1003250.4);
  g_assert_cmpstr (english, ==, "Epoch 2 of 15, loss 1,003,250");
  small = epoch_text (0.693147);
  g_assert_cmpstr (small, ==, "Epoch 2 of 15, loss 0.6931");
  if (!have_catalogue ())
    return;
  use_language ("zh_CN");
  {
    g_autofree char *chinese = epoch_text (1003250.4);
    g_assert_cmpstr (chinese, ==, "第 2 轮，共 15 轮，损失 1,003,250");
  }
  /* Tune… says which trial runs: "Trial 2 of 2" was English in Chinese too */
  {
    SdInteractionsBuilder *b = sd_interactions_builder_new ();
    g_autoptr(SdInteractions) all = NULL;
    g_autoptr(SdTuneResult) result = NULL;
    g_autoptr(SdJob) job = sd_job_new ("tune", NULL, NULL, NULL);
    g_autoptr(GError) error = NULL;
    const char *grid[] = { "k=1,5", NULL };
    SdTuneOptions options = { .model = "itemknn", .grid = grid, .seed = 3, .validation_ratio = 0.3 };

    for (int u = 0; u < 20; u++)
      for (int j = 0; j < 6; j++)
        sd_interactions_builder_add (b, u, u % 5 + j, 1.0f, j + 1);
    all = sd_interactions_builder_build (b);
    result = sd_tune_run (all, &options, job, NULL, &error);
    g_assert_no_error (error);
    while (sd_job_get_text (job) == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpstr (sd_job_get_text (job), ==, "第 2 次试验，共 2 次");

    /* and after training with validation the panel said "Evaluating" */
    {
      g_autoptr(SdRecommender) model = sd_recommender_new ("itemknn", NULL);
      g_autoptr(SdJob) eval_job = sd_job_new ("eval", NULL, NULL, NULL);
      g_autoptr(SdEvalResult) eval = NULL;
      SdEvalOptions eval_options = { .n_threads = 1, .job = eval_job };

      g_assert_true (sd_recommender_fit (model, all, NULL, &error));
      g_assert_no_error (error);
      eval = sd_eval_run (model, all, &eval_options, &error);
      g_assert_no_error (error);
      while (sd_job_get_text (eval_job) == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpstr (sd_job_get_text (eval_job), ==, "正在留出部分上评估");
    }
  }
  use_language (NULL);
}

static void
collect_line_cb (SdJob      *job,
                 const char *line,
                 GPtrArray  *lines)
{
  g_ptr_array_add (lines, g_strdup (line));
}

/* The Hybrid names the part it fits as people know it, in their language: the progress
 * panel said "itemknn" and "ease". */
static void
test_hybrid_progress (void)
{
  SdInteractionsBuilder *b = sd_interactions_builder_new ();
  g_autoptr(SdInteractions) all = NULL;
  g_autoptr(SdRecommender) model = sd_recommender_new ("hybrid", NULL);
  g_autoptr(SdJob) job = sd_job_new ("fit", NULL, NULL, NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  SdFitContext context = { .job = job };
  guint n_parts = 0;

  if (!have_catalogue ())
    return;
  use_language ("zh_CN");
  for (int u = 0; u < 20; u++)
    for (int j = 0; j < 6; j++)
      sd_interactions_builder_add (b, u, u % 5 + j, 1.0f, j + 1);
  all = sd_interactions_builder_build (b);
  /* no content model: these products have no catalogue */
  g_assert_true (sd_recommender_set_param (model, "weights", "itemknn:0.7,popularity:0.3", &error));
  g_assert_no_error (error);
  g_signal_connect (job, "log", G_CALLBACK (collect_line_cb), texts);
  g_assert_true (sd_recommender_fit (model, all, &context, &error));
  g_assert_no_error (error);
  /* the progress line is the log's line of the same part, and the log keeps them all */
  while (sd_job_get_text (job) == NULL)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);

      g_test_message ("%s", text);
      g_assert_null (strstr (text, "itemknn"));
      n_parts += g_str_has_prefix (text, "正在训练 ");
    }
  g_assert_cmpuint (n_parts, >=, 1);
  use_language (NULL);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_add_func ("/core-i18n/coupon-rule/zh_CN", test_coupon_rule_zh_cn);
  g_test_add_func ("/core-i18n/json-and-models/zh_CN", test_other_parts_zh_cn);
  g_test_add_func ("/core-i18n/reasons/zh_CN", test_reasons_zh_cn);
  g_test_add_func ("/core-i18n/demo-rule-names", test_demo_rule_names);
  g_test_add_func ("/core-i18n/rule-summary/zh_CN", test_rule_summary_zh_cn);
  g_test_add_func ("/core-i18n/english-without-language", test_english_without_language);
  g_test_add_func ("/core-i18n/training-progress", test_training_progress);
  g_test_add_func ("/core-i18n/hybrid-progress", test_hybrid_progress);

  ret = g_test_run ();
  g_free (localedir);
  return ret;
}
