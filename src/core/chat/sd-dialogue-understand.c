/* sd-dialogue-understand.c — reading a message: input hygiene, language, intents, entities and
 * service words */
#include "config.h"

#include "sd-chat-concepts.h"
#include "sd-chat-corpus.h"
#include "sd-dialogue-private.h"
#include "sd-tokenizer.h"

/* NULL when the message cannot be used; @why gets the template to answer with. */
char *
sd_dialogue_sanitise (const char *message, const char **why)
{
  if (message == NULL)
    {
      *why = "sys.unsafe";
      return NULL;
    }
  gsize len = strnlen (message, SD_DIALOGUE_MAX_MESSAGE_BYTES + 1);
  if (len > SD_DIALOGUE_MAX_MESSAGE_BYTES)
    {
      *why = "sys.too_long";
      return NULL;
    }
  /* A customer's message with a broken byte is still a message: the bytes that are not
   * UTF-8 become U+FFFD and the rest is understood and answered. */
  g_autofree char *repaired = g_utf8_validate (message, len, NULL) ? NULL : g_utf8_make_valid (message, len);
  const char *valid = repaired ? repaired : message;
  GString *out = g_string_sized_new (len);
  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);
      /* control, format (bidi overrides, zero-width) and private characters become spaces */
      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT || type == G_UNICODE_PRIVATE_USE ||
          type == G_UNICODE_SURROGATE || type == G_UNICODE_UNASSIGNED)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  char *text = g_strstrip (g_string_free (out, FALSE));
  if (text[0] == '\0')
    {
      g_free (text);
      *why = "sys.fallback";
      return NULL;
    }
  return text;
}

/* Whether @text has a letter, a digit or an emoji ("👍" is a yes), not only punctuation. */
gboolean
sd_dialogue_says_anything (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isalnum (c) || sd_unichar_is_emoji (c))
        return TRUE;
    }
  return FALSE;
}

/* The language of @text, the catalogue's names in it left out: "REGENCY CAKESTAND 多少钱？"
 * is Chinese, "how much is the 台灯" English, and a product's name alone keeps the
 * conversation's language. */
const char *
sd_dialogue_detect_lang (const char *text, GPtrArray *entities, const char *current)
{
  guint cjk = 0, latin = 0;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gboolean named = FALSE;
      for (guint i = 0; i < entities->len && !named; i++)
        {
          const SdEntity *e = entities->pdata[i];
          named = (e->kind == SD_ENTITY_PRODUCT || e->kind == SD_ENTITY_CATEGORY) &&
                  (gsize) (p - text) >= e->start && (gsize) (p - text) < e->end;
        }
      if (named)
        continue;
      gunichar c = g_utf8_get_char (p);
      if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF))
        cjk++;
      else if (g_ascii_isalpha (c))
        latin++;
    }
  if (cjk > 0 && cjk * 3 >= latin)
    return "zh_CN";
  /* a bare order number or "ok" keeps the conversation's language */
  if (latin >= 4 && cjk == 0)
    return "en";
  if (latin > 0 && cjk == 0 && strcmp (current, "zh_CN") != 0)
    return "en";
  return current;
}

/* The threshold below which the fallback classifier's answer is out of scope: the one
 * set by sd_dialogue_set_oos_threshold(), else the one tuned by sd-oos's rule when the
 * fallback was trained. */
double
sd_dialogue_fallback_threshold (SdDialogue *self)
{
  double tuned = self->fallback ? sd_chat_linear_get_oos_threshold (self->fallback) : -1;
  return self->oos_threshold_set || tuned < 0 ? self->oos_threshold : tuned;
}

/* What the built-in classifiers read of the message, for the inspector, where it is not
 * the message as written (a classifier set with sd_dialogue_set_classifier() reads that). */
void
sd_dialogue_read_as (SdDialogue *self, const char *masked, SdTurnTrace *trace)
{
  if (self->classify && self->intent_model == NULL)
    return;
  g_autofree char *read = self->fallback ? sd_chat_linear_correct_spelling (self->fallback, masked)
                                         : g_strdup (masked);
  trace->read_as_products = g_strcmp0 (masked, trace->text) != 0;
  trace->read_as_slips = g_strcmp0 (read, masked) != 0;
  if (trace->read_as_products || trace->read_as_slips)
    trace->read_as = g_steal_pointer (&read);
}

/* @masked is @text with its product names masked (sd_entity_mask_products()) for the
 * built-in classifiers; a classifier set with sd_dialogue_set_classifier() gets @text. */
guint
sd_dialogue_classify (SdDialogue *self, const char *text, const char *masked, const char *lang, SdIntentGuess *top,
                      gboolean *oos, const char **name)
{
  *oos = FALSE;
  *name = self->classifier_name ? self->classifier_name : "custom";
  if (self->classify && self->intent_model == NULL)
    return self->classify (text, lang, top, SD_DIALOGUE_N_TOP, oos, self->classify_data);
  if (self->intent_model == NULL)
    *name = "fallback linear";
  if (self->fallback == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) examples = sd_chat_corpus_load_examples (self->store, NULL, &error);
      if (examples)
        sd_dialogue_note_examples (self, examples);
      if (examples)
        self->fallback = sd_chat_linear_train_cached (examples, FALLBACK_EPOCHS, OOS_INTENT,
                                                     SD_OOS_TARGET_RECALL, NULL, &error);
      if (self->fallback == NULL && self->intent_model)
        return self->classify (masked, lang, top, SD_DIALOGUE_N_TOP, oos, self->classify_data);
      if (self->fallback == NULL)
        {
          g_warning ("Chatbot: no intent classifier: %s", error->message);
          return 0;
        }
    }
  if (self->intent_model)
    return sd_intent_blend_predict (&self->blend, self->intent_model, self->fallback, masked, top,
                                    SD_DIALOGUE_N_TOP, oos);
  return sd_chat_linear_predict (self->fallback, masked, top, SD_DIALOGUE_N_TOP);
}

/* Of several products named, the one named at greatest length: "the white hanging heart
 * t-light holder" rather than a word that happens to be in another title. */
const SdEntity *
sd_dialogue_named_product (GPtrArray *entities)
{
  const SdEntity *product = NULL;

  for (guint i = 0; i < entities->len; i++)
    {
      const SdEntity *e = entities->pdata[i];
      if (e->kind == SD_ENTITY_PRODUCT && (product == NULL || e->end - e->start > product->end - product->start))
        product = e;
    }
  return product;
}

void
sd_chat_session_merge_entities (SdChatSession *s, GPtrArray *entities)
{
  static const char *const slot_of[SD_N_ENTITY_KINDS] = {
    "order_id", "email", "phone", "amount", "date", "quantity", "product", "category"
  };
  const SdEntity *product = sd_dialogue_named_product (entities);

  for (guint i = 0; i < entities->len; i++)
    {
      const SdEntity *e = entities->pdata[i];
      if (e->kind == SD_ENTITY_PRODUCT && e != product)
        continue;
      g_hash_table_insert (s->slots, g_strdup (slot_of[e->kind]), g_strdup (e->value));
      if (e->kind == SD_ENTITY_PRODUCT)
        {
          g_hash_table_remove (s->slots, "category");
          if (e->ref_id)
            g_hash_table_insert (s->slots, g_strdup ("product_ref"),
                                 g_strdup_printf ("%" G_GINT64_FORMAT, e->ref_id));
        }
      else if (e->kind == SD_ENTITY_CATEGORY)
        {
          g_hash_table_remove (s->slots, "product");
          g_hash_table_remove (s->slots, "product_ref");
        }
    }
}

/* "SD-100001", "it's order 100001", "订单号是100001": nothing but an order number and the
 * words that present one. Such a reply answers the form that asked for it, whatever the
 * classifier makes of a number alone. */
gboolean
sd_dialogue_names_only_an_order (const SdTurnTrace *trace)
{
  static const char *const filler[] = {
    "order", "number", "no", "num", "nr", "it", "its", "s", "is", "my", "the", "here", "this",
    "that", "one", "ok", "okay", "sure", "yes", "yeah", "please", "pls", "thanks", "reference", "ref", NULL
  };
  /* Chinese has no spaces: these are taken out of a run of characters, longest first */
  static const char *const zh_filler[] = {
    "订单编号", "订单号", "订单", "单号", "编号", "我的", "好的", "这个", "那个", "号", "是", "嗯", "好", "的"
  };
  g_autoptr(GString) rest = g_string_new (trace->text);
  g_auto(GStrv) words = NULL;
  gboolean any = FALSE;

  /* spans from the last, so the earlier offsets still hold */
  for (guint i = trace->entities->len; i-- > 0;)
    {
      const SdEntity *e = trace->entities->pdata[i];
      if (e->kind != SD_ENTITY_ORDER_ID || e->end > rest->len)
        continue;
      g_string_erase (rest, e->start, e->end - e->start);
      g_string_insert_c (rest, e->start, ' ');
      any = TRUE;
    }
  if (!any)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (zh_filler); i++)
    g_string_replace (rest, zh_filler[i], " ", 0);
  {
    g_autofree char *folded = g_utf8_casefold (rest->str, -1);
    words = g_regex_split_simple ("[^[:alnum:]\\p{Han}]+", folded, 0, 0);
  }
  for (guint i = 0; words[i]; i++)
    if (*words[i] && !g_strv_contains (filler, words[i]))
      return FALSE;
  return TRUE;
}

/* Whether @reply asks something last ("…: shall I put you through?"), even where the
 * session no longer waits for the answer (a customer already handed over). */
gboolean
sd_dialogue_ends_on_question (const char *reply)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (reply ? reply : ""));
  return g_str_has_suffix (trimmed, "?") || g_str_has_suffix (trimmed, "？");
}

/* "my parcel arrived broken", "can I talk to a person", "are you open at Christmas": a word
 * the shop's lexicon gives a service meaning, said alone in a question that is not about
 * products, means the service, though a title holds it (SET OF 3 NOTEBOOKS IN PARCEL, I CAN
 * ONLY PLEASE ONE PERSON MUG). As a product it would also stay in the slots and answer the
 * next "how much is it?". "Do you sell boxes?" still names the boxes. Beside another
 * name, a word for what is asked of a product is the question, not a second product
 * ("what size is the regency cakestand?" has no product "size"). A word that makes a service
 * phrase with its neighbours is the service in any question ("still no sign of my parcel",
 * "I can't sign in": Online Retail sells METAL SIGNs). Only English words: Chinese phrases of the
 * lexicon match inside words (件 in 三件套). */
/* Service phrases the lexicon lacks that hold a word real catalogues sell ("any sign of
 * it": Online Retail sells METAL SIGNs). The lexicon has "no sign", "sign in", "signed for". */
static const char service_phrases[] =
  "late\tany sign | any signs | sign of | signs of | no signs | sign of it | a sign\n";

static const char *const service_concepts[] = {
  "order", "parcel", "account", "address", "payment", "invoice", "coupon", "human",
  "contact", "hours", "shipping", "cancel", "refund", "return", "track", "status",
  "warranty", "late", NULL
};

/* The service concepts @text names, in the built-in lexicon or the phrases above, into @out. */
static void
service_concepts_in (const char *text,
                     GPtrArray  *out)
{
  static SdChatConcepts *extra;
  const SdChatConcepts *concepts = sd_chat_concepts_builtin ();
  g_autoptr(GArray) tokens = sd_tokenize (text, -1, SD_TOKENIZE_KEEP_PUNCT);

  if (g_once_init_enter (&extra))
    g_once_init_leave (&extra, sd_chat_concepts_parse (service_phrases, sizeof service_phrases - 1, "service phrases", NULL));
  if (concepts)
    sd_chat_concepts_find (concepts, tokens, out);
  if (extra)
    sd_chat_concepts_find (extra, tokens, out);
  for (guint i = out->len; i-- > 0;)
    if (!g_strv_contains (service_concepts, out->pdata[i]))
      g_ptr_array_remove_index (out, i);
}

/* Whether @text names a service (a discount, the delivery, an order) besides the products
 * and categories of @entities. */
gboolean
sd_dialogue_names_service_beside_products (const char *text,
                               GPtrArray  *entities)
{
  g_autoptr(GString) rest = g_string_new (text);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  /* spans from the last, so the earlier offsets still hold */
  for (guint i = entities->len; i-- > 0;)
    {
      const SdEntity *e = entities->pdata[i];
      if (e->kind != SD_ENTITY_PRODUCT && e->kind != SD_ENTITY_CATEGORY)
        continue;
      g_string_erase (rest, e->start, e->end - e->start);
      g_string_insert (rest, e->start, " , ");
    }
  service_concepts_in (rest->str, found);
  return found->len > 0;
}

/* Whether @e, one word, is part of a service phrase of @text ("still no sign of my parcel",
 * "I can't sign in"): a concept that the words around it name with it, and neither without
 * it nor the word alone. Three words either side are looked at. */
static gboolean
in_service_phrase (const char     *text,
                   const SdEntity *e)
{
  g_autoptr(GArray) tokens = sd_tokenize_normalized (text, SD_TOKENIZE_KEEP_PUNCT);
  gsize from = e->start, to = e->end;
  g_autoptr(GPtrArray) with = g_ptr_array_new ();
  g_autoptr(GPtrArray) without = g_ptr_array_new ();
  g_autoptr(GPtrArray) alone = g_ptr_array_new ();
  g_autoptr(GString) window = NULL;
  g_autofree char *cut = NULL;

  for (guint i = 0; i < tokens->len; i++)
    {
      const SdToken *t = &g_array_index (tokens, SdToken, i);
      /* "is the sign in stock?": a word after "the" is a thing, not what is done ("I can't
       * sign in"); "a sign of it" is a service phrase of its own */
      if (t->end <= e->start && i + 1 < tokens->len && g_array_index (tokens, SdToken, i + 1).start >= e->start)
        {
          static const char *const articles[] = { "the", "this", "that", "these", "those", "your", NULL };
          g_autofree char *before = g_utf8_casefold (t->text, -1);
          if (g_strv_contains (articles, before))
            return FALSE;
        }
      /* within three tokens of the word, also where fewer than three follow or precede
       * ("sign in problem") */
      if (t->end <= e->start && (i + 3 >= tokens->len || g_array_index (tokens, SdToken, i + 3).end > e->start))
        from = MIN (from, t->start);
      if (t->start >= e->end && (i < 3 || g_array_index (tokens, SdToken, i - 3).start < e->end))
        to = MAX (to, t->end);
    }
  window = g_string_new_len (text + from, to - from);
  service_concepts_in (window->str, with);
  /* a mark in the word's place, so that no phrase closes over the gap */
  g_string_erase (window, e->start - from, e->end - e->start);
  g_string_insert (window, e->start - from, " , ");
  cut = g_string_free (g_steal_pointer (&window), FALSE);
  service_concepts_in (cut, without);
  service_concepts_in (e->text, alone);
  for (guint i = 0; i < with->len; i++)
    if (!g_ptr_array_find (without, with->pdata[i], NULL) && !g_ptr_array_find (alone, with->pdata[i], NULL))
      return TRUE;
  return FALSE;
}

void
sd_dialogue_drop_service_words (const char *text,
                    GPtrArray  *entities,
                    gboolean    about_products)
{
  static const char *const asked[] = { "size", "material", "stock", "cost", NULL };
  const SdChatConcepts *concepts = sd_chat_concepts_builtin ();
  guint n_names = 0;

  for (guint i = 0; i < entities->len; i++)
    {
      const SdEntity *e = entities->pdata[i];
      n_names += e->kind == SD_ENTITY_PRODUCT || e->kind == SD_ENTITY_CATEGORY;
    }
  for (guint i = entities->len; concepts && i-- > 0;)
    {
      const SdEntity *e = entities->pdata[i];
      gboolean drop = FALSE;
      if ((e->kind != SD_ENTITY_PRODUCT && e->kind != SD_ENTITY_CATEGORY) ||
          strchr (e->text, ' ') || !g_str_is_ascii (e->text))
        continue;
      g_autoptr(GPtrArray) found = g_ptr_array_new ();
      sd_chat_concepts_find_in_text (concepts, e->text, found);
      for (guint c = 0; c < found->len && !drop; c++)
        /* what is asked about a product is no product, even alone ("size chart" on a shop
         * that sells a RECORD FRAME 7" SINGLE SIZE) */
        drop = (!about_products && g_strv_contains (service_concepts, found->pdata[c])) ||
               g_strv_contains (asked, found->pdata[c]);
      /* in a service phrase the word is the service, whatever else is asked */
      drop = drop || in_service_phrase (text, e);
      n_names -= drop;
      if (drop)
        g_ptr_array_remove_index (entities, i);
    }
}

gboolean
sd_dialogue_has_entity (GPtrArray *entities, SdEntityKind kind)
{
  for (guint i = 0; i < entities->len; i++)
    if (((SdEntity *) entities->pdata[i])->kind == kind)
      return TRUE;
  return FALSE;
}

void
sd_turn_finish_trace (SdTurn *t)
{
  SdChatSession *s = t->session;
  SdTurnTrace *tr = t->trace;
  tr->form = g_strdup (s->form);
  tr->misunderstandings = s->misunderstandings;
  tr->handoff |= s->handed_off;
  g_autoptr(GList) keys = g_hash_table_get_keys (s->slots);
  keys = g_list_sort (keys, (GCompareFunc) strcmp);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  for (GList *l = keys; l; l = l->next)
    {
      /* "_question" and such are the dialogue's notes, not what the customer said */
      if (((const char *) l->data)[0] == '_')
        continue;
      g_strv_builder_add (names, l->data);
      g_strv_builder_add (values, g_hash_table_lookup (s->slots, l->data));
    }
  tr->slot_names = g_strv_builder_end (names);
  tr->slot_values = g_strv_builder_end (values);
  if (s->choices && s->choice_lines)
    {
      g_ptr_array_add (s->choice_lines, NULL);
      tr->choices = g_strdupv ((char **) s->choice_lines->pdata);
      g_ptr_array_remove_index (s->choice_lines, s->choice_lines->len - 1);
      tr->choices_name = g_strdup (s->choices_name);
      tr->n_candidates = s->candidates ? s->candidates->len : s->choices->len;
    }

  /* The facts are what the template was filled with: all a language model may phrase. */
  {
    g_autoptr(GList) fact_keys = g_hash_table_get_keys (t->vars);
    g_autoptr(GStrvBuilder) fact_names = g_strv_builder_new ();
    g_autoptr(GStrvBuilder) fact_values = g_strv_builder_new ();
    fact_keys = g_list_sort (fact_keys, (GCompareFunc) strcmp);
    for (GList *l = fact_keys; l; l = l->next)
      {
        const char *value = g_hash_table_lookup (t->vars, l->data);
        if (value == NULL || *value == '\0')
          continue;
        g_strv_builder_add (fact_names, l->data);
        g_strv_builder_add (fact_values, value);
      }
    tr->fact_names = g_strv_builder_end (fact_names);
    tr->fact_values = g_strv_builder_end (fact_values);
  }

  SdTurnRecord *r = g_new0 (SdTurnRecord, 1);
  r->user = g_strdup (tr->text ? tr->text : "");
  r->bot = g_strdup (tr->reply);
  r->intent = g_strdup (tr->intent);
  r->action = tr->action;
  r->fact_names = g_strdupv (tr->fact_names);
  r->fact_values = g_strdupv (tr->fact_values);
  g_ptr_array_add (s->turns, r);
}
