/* test-product-answer.c — the description sentence that answers a product question, and the
 * chatbot's answers about the demo shop's products */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sd-demo.h"
#include "sd-dialogue.h"
#include "sd-product-answer.h"

static void
test_sentences (void)
{
  g_autoptr(GPtrArray) en = sd_product_answer_sentences ("Soft merino. Machine wash at 30°C!\nIn 3.5 sizes; ");
  g_assert_cmpuint (en->len, ==, 3);
  g_assert_cmpstr (en->pdata[0], ==, "Soft merino.");
  g_assert_cmpstr (en->pdata[1], ==, "Machine wash at 30°C!");
  g_assert_cmpstr (en->pdata[2], ==, "In 3.5 sizes;");
  g_autoptr(GPtrArray) zh = sd_product_answer_sentences ("采用玻璃制作。本款为墨绿色！");
  g_assert_cmpuint (zh->len, ==, 2);
  g_assert_cmpstr (zh->pdata[1], ==, "本款为墨绿色！");
  g_autoptr(GPtrArray) none = sd_product_answer_sentences (NULL);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_find (void)
{
  const char *desc = "Our cashmere cardigan is knitted in Scotland. Hand wash cold, dry flat. "
                     "Available in navy, grey and oat colours. Ships within one working day.";
  const char *title = "Cashmere Cardigan";
  static const struct { const char *q, *want; } cases[] = {
    { "is the cashmere cardigan machine washable?", "Hand wash cold, dry flat." },
    { "what colors does the cardigan come in", "Available in navy, grey and oat colours." },
    { "when will it be dispatched?", "Ships within one working day." },
    { "where is it knitted?", "Our cashmere cardigan is knitted in Scotland." },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double score = 0;
      g_autofree char *got = sd_product_answer_find (desc, cases[i].q, title, &score);
      g_test_message ("%s → %s (%.2f)", cases[i].q, got, score);
      g_assert_cmpstr (got, ==, cases[i].want);
      g_assert_cmpfloat (score, >, 0);
    }
  /* what the description does not mention has no answer, and naming the product is none */
  g_assert_null (sd_product_answer_find (desc, "is the cashmere cardigan vegan?", title, NULL));
  g_assert_null (sd_product_answer_find (desc, "tell me about the cashmere cardigan", title, NULL));
  g_assert_null (sd_product_answer_find ("", "what colour is it", title, NULL));

  const char *zh = "这款台灯适合卧室。采用玻璃制作。有白色、黑色两种颜色。一个工作日内发货。";
  g_autofree char *colours = sd_product_answer_find (zh, "这个台灯有几种颜色？", "玻璃台灯", NULL);
  g_assert_cmpstr (colours, ==, "有白色、黑色两种颜色。");
  g_autofree char *material = sd_product_answer_find (zh, "台灯是什么材质的", "玻璃台灯", NULL);
  g_assert_cmpstr (material, ==, "采用玻璃制作。");
  g_assert_null (sd_product_answer_find (zh, "台灯防水吗", "玻璃台灯", NULL));

  /* a sentence that names a material or a measure answers what it is made of, how big */
  const char *mug = "Glazed by hand in Stoke-on-Trent. A 350 ml stoneware mug. Comes in a gift box.";
  g_autofree char *made = sd_product_answer_find (mug, "what is the mug made of?", "Vintage mug", NULL);
  g_assert_cmpstr (made, ==, "A 350 ml stoneware mug.");
  g_autofree char *size = sd_product_answer_find (mug, "how big is it?", "Vintage mug", NULL);
  g_assert_cmpstr (size, ==, "A 350 ml stoneware mug.");
}

/* A title often says a product's colour or material where there is no description (Online
 * Retail has titles only); only a question about those is answered from it. */
static void
test_from_title (void)
{
  static const struct { const char *title, *question, *want; } cases[] = {
    { "WHITE MOROCCAN METAL LANTERN", "what colours does it come in?", "white" },
    { "WHITE MOROCCAN METAL LANTERN", "what is the lantern made of?", "metal" },
    { "WHITE MOROCCAN METAL LANTERN", "what is the white moroccan metal lantern made of?", "metal" },
    /* the title's words in the question name it; they ask nothing */
    { "WHITE MOROCCAN METAL LANTERN", "is the white moroccan metal lantern waterproof?", NULL },
    { "WHITE MOROCCAN METAL LANTERN", "how big is it?", NULL },
    { "HANGING HEART LANTERN", "what colour is it?", NULL },
    { "Red and Cream Gingham Apron", "which colours?", "red, cream" },
    { "温馨墨绿色玻璃台灯", "这个台灯有几种颜色？", "墨绿色" },
    { "温馨墨绿色玻璃台灯", "是什么材质的？", "玻璃" },
    { "温馨墨绿色玻璃台灯", "防水吗？", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = sd_product_answer_from_title (cases[i].title, cases[i].question);
      g_test_message ("%s / %s → %s", cases[i].title, cases[i].question, got ? got : "(none)");
      g_assert_cmpstr (got, ==, cases[i].want);
    }
  g_assert_null (sd_product_answer_from_title (NULL, "what colour?"));
}

/* Always product_question: the dialogue's product answers without training a classifier. */
static guint
product_question (const char *text, const char *lang, SdIntentGuess *top, guint n,
                  gboolean *out_of_scope, gpointer data)
{
  top[0].intent = "product_question";
  top[0].prob = 0.95;
  *out_of_scope = FALSE;
  return 1;
}

/* On the demo shop: the product found by name, the sentence that answers, the name and price
 * beside it; and an honest "it does not say". */
static void
test_demo_shop (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sd-product-answer-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "demo.sqlite", NULL);
  g_assert_no_error (error);
  {
    g_autoptr(SdStore) store = sd_store_open (path, &error);
    g_assert_no_error (error);
    SdDemoOptions options;
    sd_demo_options_init (&options);
    g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    g_autoptr(SdDialogue) dialogue = sd_dialogue_new (store, &error);
    g_assert_no_error (error);
    sd_dialogue_set_classifier (dialogue, product_question, NULL, NULL);

    static const struct { const char *lang, *q, *want, *name; } cases[] = {
      { "en", "what is the running jacket made of?", "Made from recycled polyester.", "Running Jacket (" },
      { "en", "what colours does the running jacket come in?", "Shown here in", "Running Jacket (" },
      { "en", "is the running jacket machine washable?", "doesn't say", "Running Jacket (" },
      { "zh_CN", "这个台灯有几种颜色？", "本款为", "台灯（" },
      { "zh_CN", "台灯是什么材质的？", "制作。", "台灯（" },
      { "zh_CN", "台灯防水吗？", "没有提到", "台灯（" },
      /* a price question is answered from the price, which the catalogue always has */
      { "en", "how much is the running jacket?", "Running Jacket: it costs ", "About " },
      { "en", "what's the price of the running jacket", "Running Jacket: it costs ", "About " },
      { "en", "how much does the running jacket weigh?", "doesn't say", "Running Jacket (" },
      { "zh_CN", "台灯多少钱？", "台灯：售价", "关于" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(SdChatSession) s = sd_chat_session_new (0, cases[i].lang);
        g_autoptr(SdTurnTrace) t = sd_dialogue_respond (dialogue, s, cases[i].q);
        g_test_message ("you> %s\nbot> %s", cases[i].q, t->reply);
        /* the demo shop has several running jackets and lamps: the bot asks which, and the
         * question is answered of the one picked */
        if (t->action != SD_TURN_ANSWER)
          {
            const char *pick = strcmp (cases[i].lang, "en") == 0 ? "the first one" : "第一个";
            g_assert_nonnull (strstr (t->reply, "1. "));
            g_clear_pointer (&t, sd_turn_trace_free);
            t = sd_dialogue_respond (dialogue, s, pick);
            g_test_message ("you> %s\nbot> %s", pick, t->reply);
          }
        g_assert_cmpint (t->action, ==, SD_TURN_ANSWER);
        g_assert_nonnull (strstr (t->reply, cases[i].want));
        g_assert_nonnull (strstr (t->reply, cases[i].name));
        g_assert_nonnull (strstr (t->reply, "£"));   /* the price, in the shop's currency */
      }
  }
  g_autofree char *wal = g_strconcat (path, "-wal", NULL), *shm = g_strconcat (path, "-shm", NULL);
  g_remove (wal);
  g_remove (shm);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/product-answer/sentences", test_sentences);
  g_test_add_func ("/product-answer/find", test_find);
  g_test_add_func ("/product-answer/from-title", test_from_title);
  g_test_add_func ("/product-answer/demo-shop", test_demo_shop);
  return g_test_run ();
}
