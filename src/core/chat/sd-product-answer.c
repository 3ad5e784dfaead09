/* sd-product-answer.c — BM25 over a product description's sentences */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sd-product-answer.h"
#include "sd-tokenizer.h"

#define BM25_K1 1.2
#define BM25_B  0.75

GPtrArray *
sd_product_answer_sentences (const char *text)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  if (text == NULL)
    return out;
  const char *start = text;
  for (const char *p = text; ; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean end = c == 0 || c == '\n' || c == 0x3002 /* 。 */ || c == 0xFF01 /* ！ */ ||
                     c == 0xFF1F /* ？ */ || c == 0xFF1B /* ； */ ||
                     ((c == '.' || c == '!' || c == '?' || c == ';') &&
                      (p[1] == '\0' || g_ascii_isspace (p[1])));
      if (!end)
        continue;
      const char *stop = c && c != '\n' ? g_utf8_next_char (p) : p;
      g_autofree char *s = g_strndup (start, stop - start);
      g_strstrip (s);
      if (*s)
        g_ptr_array_add (out, g_steal_pointer (&s));
      if (c == 0)
        break;
      start = stop;
    }
  return out;
}

static const char *const stop_words[] = {
  "a", "an", "the", "is", "are", "was", "be", "it", "its", "this", "that", "these", "those",
  "do", "does", "did", "can", "could", "will", "would", "should", "i", "you", "we", "they",
  "my", "your", "our", "me", "of", "to", "in", "on", "for", "with", "and", "or", "what",
  "which", "how", "why", "when", "where", "who", "there", "any", "some", "have", "has",
  "please", "tell", "about", "know", "want", "like", "one", "ones", "if", "come", "get",
  "much", "many", "by", "at", "as", "from", "so", "just", "also", "here", "question",
  NULL
};

/* Characters that carry a Chinese question's grammar, not its topic. */
static const char *const zh_stop[] = {
  "的", "吗", "呢", "吧", "了", "有", "几", "种", "这", "个", "是", "什", "么", "款", "您", "我",
  "你", "请", "问", "和", "与", "在", "为", "本", "能", "可", "以", "多", "少", "怎", "样", "那",
  "哪", "些", "一", "下", "还", "都", "会", "要", "想", "用", NULL
};

static gboolean
in_list (const char *w, const char *const *list)
{
  for (guint i = 0; list[i]; i++)
    if (strcmp (w, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A light English stem: enough that washable/washing/wash and colours/colour meet. */
static char *
stem (const char *word)
{
  static const char *const suffixes[] = { "able", "ible", "ing", "ed", "es", "s", NULL };
  gsize len = strlen (word);
  for (guint i = 0; suffixes[i]; i++)
    {
      gsize sl = strlen (suffixes[i]);
      if (len > sl + 2 && g_str_has_suffix (word, suffixes[i]))
        return g_strndup (word, len - sl);
    }
  return g_strdup (word);
}

/* Words a shopper and a description use for the same thing, made one. */
static const struct { const char *word, *canon; } synonyms[] = {
  { "color", "colour" }, { "colour", "colour" }, { "shade", "colour" }, { "shown", "colour" },
  { "material", "made" }, { "fabric", "made" }, { "made", "made" }, { "mad", "made" },
  /* what things are made of: a sentence naming one answers "what is it made of?" */
  { "cotton", "made" }, { "wool", "made" }, { "cashmere", "made" }, { "leather", "made" },
  { "linen", "made" }, { "silk", "made" }, { "polyester", "made" }, { "nylon", "made" },
  { "denim", "made" }, { "velvet", "made" }, { "felt", "made" }, { "oak", "made" },
  { "wood", "made" }, { "wooden", "made" }, { "bamboo", "made" }, { "steel", "made" },
  { "metal", "made" }, { "iron", "made" }, { "aluminium", "made" }, { "aluminum", "made" },
  { "brass", "made" }, { "copper", "made" }, { "zinc", "made" }, { "tin", "made" },
  { "ceramic", "made" }, { "stoneware", "made" }, { "porcelain", "made" }, { "glass", "made" },
  { "plastic", "made" }, { "resin", "made" }, { "enamel", "made" }, { "rubber", "made" },
  { "paper", "made" }, { "cardboard", "made" }, { "marble", "made" }, { "clay", "made" },
  { "棉", "made" }, { "纯棉", "made" }, { "羊毛", "made" }, { "羊绒", "made" }, { "真皮", "made" },
  { "皮革", "made" }, { "亚麻", "made" }, { "真丝", "made" }, { "实木", "made" }, { "橡木", "made" },
  { "不锈钢", "made" }, { "陶瓷", "made" }, { "玻璃", "made" }, { "塑料", "made" },
  { "wash", "wash" }, { "clean", "wash" }, { "machine", "wash" }, { "care", "wash" },
  { "ship", "ship" }, { "dispatch", "ship" }, { "delivery", "ship" }, { "deliver", "ship" },
  { "sent", "ship" }, { "gift", "gift" }, { "present", "gift" }, { "return", "return" },
  { "refund", "return" }, { "size", "size" }, { "fit", "size" }, { "big", "size" },
  { "small", "size" }, { "large", "size" }, { "dimension", "size" }, { "measure", "size" },
  { "cm", "size" }, { "mm", "size" }, { "ml", "size" }, { "inch", "size" }, { "inche", "size" },
  { "litre", "size" }, { "liter", "size" }, { "long", "size" }, { "wide", "size" },
  { "tall", "size" }, { "high", "size" }, { "height", "size" }, { "width", "size" },
  { "length", "size" }, { "diameter", "size" }, { "capacity", "size" }, { "hold", "size" },
  { "颜色", "colour" }, { "色", "colour" }, { "材质", "made" }, { "材料", "made" },
  { "面料", "made" }, { "制作", "made" }, { "采用", "made" }, { "做", "made" },
  { "发货", "ship" }, { "寄出", "ship" }, { "快递", "ship" }, { "礼物", "gift" }, { "送给", "gift" },
  { "退货", "return" }, { "尺寸", "size" }, { "尺码", "size" }, { "大小", "size" },
  { "厘米", "size" }, { "毫米", "size" }, { "毫升", "size" }, { "容量", "size" }, { "高度", "size" },
  { "宽度", "size" }, { "长度", "size" }, { "直径", "size" }, { "偏大", "size" }, { "偏小", "size" },
};

static const char *
canon (const char *term)
{
  for (guint i = 0; i < G_N_ELEMENTS (synonyms); i++)
    if (strcmp (term, synonyms[i].word) == 0)
      return synonyms[i].canon;
  return NULL;
}

/* The terms of @text into @terms (char *), without those in @exclude (may be NULL). */
static void
terms_of (const char *text, GHashTable *exclude, GPtrArray *terms)
{
  g_autoptr(GArray) tokens = sd_tokenize (text, -1, SD_TOKENIZE_CJK_BIGRAMS);
  for (guint i = 0; i < tokens->len; i++)
    {
      const SdToken *t = &g_array_index (tokens, SdToken, i);
      g_autofree char *term = NULL;
      if (t->kind == SD_TOKEN_WORD)
        {
          if (in_list (t->text, stop_words))
            continue;
          term = stem (t->text);
        }
      else if (t->kind == SD_TOKEN_CJK || t->kind == SD_TOKEN_CJK_BIGRAM)
        {
          if (t->kind == SD_TOKEN_CJK && in_list (t->text, zh_stop))
            continue;
          term = g_strdup (t->text);
        }
      else
        continue;
      const char *c = canon (term) ? canon (term) : canon (t->text);
      /* a word of the product's own name says nothing, nor what it stands for ("cashmere
       * cardigan": not a question about what it is made of) */
      if (exclude && g_hash_table_contains (exclude, term))
        continue;
      if (c)
        g_ptr_array_add (terms, g_strconcat ("=", c, NULL));
      g_ptr_array_add (terms, g_steal_pointer (&term));
    }
}

char *
sd_product_answer_find (const char *description,
                        const char *question,
                        const char *title,
                        double     *score)
{
  g_autoptr(GPtrArray) sentences = sd_product_answer_sentences (description);
  g_autoptr(GHashTable) exclude = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) title_terms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) q = g_ptr_array_new_with_free_func (g_free);
  guint n = sentences->len;

  if (score)
    *score = 0;
  if (n == 0 || question == NULL)
    return NULL;
  /* the product's name matches its own description everywhere: it is no answer */
  if (title)
    terms_of (title, NULL, title_terms);
  for (guint i = 0; i < title_terms->len; i++)
    if (((char *) title_terms->pdata[i])[0] != '=')
      g_hash_table_add (exclude, g_strdup (title_terms->pdata[i]));
  terms_of (question, exclude, q);
  if (q->len == 0)
    return NULL;

  /* per sentence: term counts and length; document frequencies */
  g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  g_autoptr(GHashTable) df = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree double *len = g_new0 (double, n);
  double avg = 0;
  g_autoptr(GPtrArray) all_terms = g_ptr_array_new_with_free_func (g_free);
  for (guint s = 0; s < n; s++)
    {
      GHashTable *tf = g_hash_table_new (g_str_hash, g_str_equal);
      guint first = all_terms->len;
      terms_of (sentences->pdata[s], NULL, all_terms);
      for (guint i = first; i < all_terms->len; i++)
        {
          char *term = all_terms->pdata[i];
          guint c = GPOINTER_TO_UINT (g_hash_table_lookup (tf, term));
          if (c == 0)
            g_hash_table_insert (df, term, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (df, term)) + 1));
          g_hash_table_insert (tf, term, GUINT_TO_POINTER (c + 1));
        }
      len[s] = all_terms->len - first;
      avg += len[s];
      g_ptr_array_add (counts, tf);
    }
  avg = MAX (avg / n, 1);

  int best = -1;
  double best_score = 0;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint s = 0; s < n; s++)
    {
      double sc = 0;
      g_hash_table_remove_all (seen);
      for (guint i = 0; i < q->len; i++)
        {
          const char *term = q->pdata[i];
          if (!g_hash_table_add (seen, (gpointer) term))
            continue;   /* a repeated question term counts once */
          guint f = GPOINTER_TO_UINT (g_hash_table_lookup (counts->pdata[s], term));
          if (f == 0)
            continue;
          guint d = GPOINTER_TO_UINT (g_hash_table_lookup (df, term));
          double idf = log (1 + (n - d + 0.5) / (d + 0.5));
          sc += idf * f * (BM25_K1 + 1) / (f + BM25_K1 * (1 - BM25_B + BM25_B * len[s] / avg));
        }
      if (sc > best_score)
        {
          best_score = sc;
          best = s;
        }
    }
  if (best < 0)
    return NULL;
  if (score)
    *score = best_score;
  return g_strdup (sentences->pdata[best]);
}

/* Colours a title may name. Chinese longest first, so 墨绿色 is found before 绿色. */
static const char *const en_colours[] = {
  "white", "black", "red", "pink", "blue", "green", "yellow", "orange", "purple", "brown",
  "grey", "gray", "cream", "ivory", "silver", "gold", "beige", "navy", "turquoise", "teal",
  "lilac", "mint", "khaki", "burgundy", "charcoal", "rose", "aqua", "lavender", NULL
};
static const char *const zh_colours[] = {
  "墨绿色", "藏青色", "酒红色", "天蓝色", "浅灰色", "深灰色", "米白色", "咖啡色", "卡其色", "原木色",
  "白色", "黑色", "红色", "粉色", "蓝色", "绿色", "黄色", "橙色", "紫色", "棕色", "灰色", "米色",
  "银色", "金色", NULL
};

static void
add_unique (GPtrArray *found, const char *word)
{
  if (!g_ptr_array_find_with_equal_func (found, word, g_str_equal, NULL))
    g_ptr_array_add (found, g_strdup (word));
}

char *
sd_product_answer_from_title (const char *title,
                              const char *question)
{
  if (title == NULL || question == NULL)
    return NULL;
  /* "is the white metal lantern waterproof?" asks nothing of its metal: the title's own
   * words in the question are its name, as for the description's sentences */
  g_autoptr(GPtrArray) q = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) title_terms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) exclude = g_hash_table_new (g_str_hash, g_str_equal);
  terms_of (title, NULL, title_terms);
  for (guint i = 0; i < title_terms->len; i++)
    if (((char *) title_terms->pdata[i])[0] != '=')
      g_hash_table_add (exclude, title_terms->pdata[i]);
  terms_of (question, exclude, q);
  gboolean colour = g_ptr_array_find_with_equal_func (q, "=colour", g_str_equal, NULL);
  gboolean made = g_ptr_array_find_with_equal_func (q, "=made", g_str_equal, NULL);
  if (!colour && !made)
    return NULL;

  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) tokens = sd_tokenize (title, -1, 0);
  for (guint i = 0; i < tokens->len; i++)
    {
      const SdToken *t = &g_array_index (tokens, SdToken, i);
      if (t->kind != SD_TOKEN_WORD)
        continue;
      const char *c = canon (t->text);
      /* the words a question uses for materials are no material of the product */
      if ((colour && in_list (t->text, en_colours))
          || (made && c && strcmp (c, "made") == 0 && strcmp (t->text, "made") != 0
              && strcmp (t->text, "mad") != 0 && strcmp (t->text, "material") != 0
              && strcmp (t->text, "fabric") != 0))
        add_unique (found, t->text);
    }
  for (guint i = 0; colour && zh_colours[i]; i++)
    {
      gboolean inside_longer = FALSE;
      for (guint j = 0; j < found->len && !inside_longer; j++)
        inside_longer = strstr (found->pdata[j], zh_colours[i]) != NULL;
      if (!inside_longer && strstr (title, zh_colours[i]))
        add_unique (found, zh_colours[i]);
    }
  for (guint i = 0; made && i < G_N_ELEMENTS (synonyms); i++)
    if (strcmp (synonyms[i].canon, "made") == 0 && (guchar) synonyms[i].word[0] >= 0x80
        && strstr (title, synonyms[i].word) && g_utf8_strlen (synonyms[i].word, -1) >= 2)
      add_unique (found, synonyms[i].word);
  if (found->len == 0)
    return NULL;
  g_ptr_array_add (found, NULL);
  return g_strjoinv (", ", (char **) found->pdata);
}
