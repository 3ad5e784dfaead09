/* sd-entities.h — what a customer's message names: orders, contacts, money, dates,
 * quantities, and the shop's own products and categories
 *
 * Rule-based recognisers for the closed patterns (order numbers like SD-123456, #1001,
 * ORD-…; e-mail; phone; £12.50, 12,50 €, 20元; 2024-05-01, 5 May, yesterday, 上周五,
 * 5月1日; two, 3 pcs, 两件) and a dictionary built from the catalogue for products and
 * categories, tolerant of case, plurals and one-letter typos in words of five letters
 * or more. Spans never overlap; the earlier, more specific recogniser wins.
 */
#pragma once

#include <glib-object.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_ENTITY_ORDER_ID,
  SD_ENTITY_EMAIL,
  SD_ENTITY_PHONE,
  SD_ENTITY_MONEY,
  SD_ENTITY_DATE,
  SD_ENTITY_QUANTITY,
  SD_ENTITY_PRODUCT,
  SD_ENTITY_CATEGORY,
  SD_N_ENTITY_KINDS
} SdEntityKind;

const char *sd_entity_kind_to_string (SdEntityKind kind);

typedef struct {
  SdEntityKind kind;
  gsize        start;    /* byte offsets into the text, [start, end) */
  gsize        end;
  char        *text;     /* the span as written */
  /* Normalised: "SD-100234" or "1001" (order); lowercase e-mail; "+447700900123"
   * (phone); "12.50 GBP" (money); "2024-05-01" (date); "3" (quantity); for products the
   * matched catalogue words ("ceramic mug", "马克杯"), for categories the category. */
  char        *value;
  gint64       ref_id;   /* products.id of the closest product, or 0 */
} SdEntity;

void      sd_entity_free (SdEntity *entity);
SdEntity *sd_entity_copy (const SdEntity *entity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdEntity, sd_entity_free)

#define SD_TYPE_ENTITY_EXTRACTOR (sd_entity_extractor_get_type ())
G_DECLARE_FINAL_TYPE (SdEntityExtractor, sd_entity_extractor, SD, ENTITY_EXTRACTOR, GObject)

SdEntityExtractor *sd_entity_extractor_new          (void);
/* A product or category name (any language) for the dictionary. */
void               sd_entity_extractor_add_term     (SdEntityExtractor *self,
                                                     SdEntityKind       kind,
                                                     const char        *term,
                                                     const char        *value,
                                                     gint64             ref_id);
/* The products the chatbot talks about, as an SQL condition on the products table @p:
 * those on sale, at a price (every answer quotes one; Online Retail's lines that never sold
 * at one are notes like "thrown away-can't sell."), and goods rather than the postage, fees,
 * adjustments and gift vouchers an export carries as lines (POSTAGE, "Discount", "Adjust
 * bad debt"), which recommendations leave out too (sd-product-kind.h). */
#define SD_CHAT_SELLS_PRODUCT(p) \
  "(" p ".status = 'active' AND " p ".price_cents > 0 AND " \
  "coalesce (" p ".kind, 'merchandise') = 'merchandise')"

/* Adds every product title (its translations, and the other names it was sold under) of
 * SD_CHAT_SELLS_PRODUCT and every category of @store. */
gboolean           sd_entity_extractor_load_catalog (SdEntityExtractor *self,
                                                     SdStore           *store,
                                                     GError           **error);
/* The entities of @text (valid UTF-8; anything else gives none), ordered by start.
 * Relative dates are resolved against @now (the current time when NULL).
 * A GPtrArray of SdEntity. */
GPtrArray         *sd_entity_extractor_extract      (SdEntityExtractor *self,
                                                     const char        *text,
                                                     GDateTime         *now);

/* The products a product entity @e (of sd_entity_extractor_extract()) fits: each whose title,
 * translation or other name has every dictionary word it was found by (a head word "lantern":
 * every lantern of the shop), or, for a Chinese name, has it. A GArray of products.id, each
 * once, in catalogue order. *@in_full (may be NULL) says whether one of them has no word
 * but those: a title given whole ("white lovebird lantern"), which the entity names. */
GArray            *sd_entity_extractor_products_named (SdEntityExtractor *self,
                                                       const SdEntity    *e,
                                                       gboolean          *in_full);
/* The products whose names have every dictionary word of @words ("doormat": every doormat,
 * though no title ends with it), or, in Chinese, have @words; empty when a word is none of
 * the catalogue's. As sd_entity_extractor_products_named(). */
GArray            *sd_entity_extractor_products_with_words (SdEntityExtractor *self,
                                                            const char        *words);
/* Of @ids (products.id), those @text (an answer to "which one do you mean?": "the white
 * one", "玻璃的") says the most of: by the dictionary's words of their names it has, a typo
 * mended, and, in Chinese, by the pairs of characters it shares with them. Empty when it
 * says nothing of any. */
GArray            *sd_entity_extractor_narrow         (SdEntityExtractor *self,
                                                       GArray            *ids,
                                                       const char        *text);
/* The products whose names have a word like @word, a name the catalogue does not have: a
 * dictionary word that begins it or that it begins ("lampshade": lamp), or two letters
 * away; in Chinese, the longest tail of @word a name has, noun suffixes aside (杯子: 马克杯).
 * A GArray of products.id, each once, in catalogue order; empty when none. */
GArray            *sd_entity_extractor_products_like  (SdEntityExtractor *self,
                                                       const char        *word);

typedef enum {
  SD_NAME_WORD_LITTLE,    /* a word of any question ("the", "come", "much"), a number */
  SD_NAME_WORD_KNOWN,     /* a word of the catalogue's names, a typo mended */
  SD_NAME_WORD_UNKNOWN,   /* a word of letters no name has */
} SdNameWord;

/* What @word (one Latin word) is to the catalogue's dictionary. */
SdNameWord         sd_entity_extractor_word_kind      (SdEntityExtractor *self,
                                                       const char        *word);

/* @text for the intent classifiers: each product name of @entities (from
 * sd_entity_extractor_extract() on @text) that has two words or more, or three Chinese
 * characters or more, replaced by "lamp" (台灯 in a text with Chinese), a name the intent
 * corpus uses under every intent that names products. Which product a customer names says
 * nothing about what they ask, and a real catalogue's names are words the classifiers never
 * saw or saw under another intent ("storage box": box, a parcel). */
char              *sd_entity_mask_products          (const char        *text,
                                                     GPtrArray         *entities);

G_END_DECLS
