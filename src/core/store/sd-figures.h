/* sd-figures.h — the shop's business figures, each defined once
 *
 * SQL fragments for every query that counts sales or sums revenue, so the Overview, the
 * CLI, the models and the coupon facts cannot drift apart. They expand to string
 * literals, to be pasted into a constant query (statements are cached by address). */
#pragma once

/* An order that counts as a sale: neither cancelled nor refunded, nor pending (authorised
 * or awaiting payment: not paid yet). @o: the orders alias. */
#define SD_SQL_ORDER_IS_SALE(o) o ".status NOT IN ('cancelled', 'refunded', 'pending')"

/* A product that is goods, not postage, a fee, an adjustment or a gift card
 * (sd-product-kind.h); one not classified yet counts as goods. @p: the products alias of a
 * LEFT JOIN, so a line without a product is goods too. */
#define SD_SQL_PRODUCT_IS_MERCHANDISE(p) "coalesce(" p ".kind, 'merchandise') = 'merchandise'"

/* An order line that counts in revenue and units: a positive line of a sale, or a negative
 * one of any order but a pending one, which is a cancellation or return netting an earlier
 * sale (Online Retail's C invoices cancel lines of earlier invoices). @o, @l: the orders and
 * order_lines aliases. */
#define SD_SQL_LINE_COUNTS(o, l) \
  "((" SD_SQL_ORDER_IS_SALE (o) " AND " l ".quantity > 0) OR (" l ".quantity < 0 AND " o ".status <> 'pending'))"

/* A merchandise line that counts (SD_SQL_LINE_COUNTS, SD_SQL_PRODUCT_IS_MERCHANDISE): what
 * a customer's spend and the shop's revenue sum. @o, @l, @p: the orders, order_lines and
 * (LEFT JOINed) products aliases. */
#define SD_SQL_MERCHANDISE_LINE_COUNTS(o, l, p) \
  "(" SD_SQL_LINE_COUNTS (o, l) " AND " SD_SQL_PRODUCT_IS_MERCHANDISE (p) ")"

/* What an order line earns, in cents: its quantity times its unit price. @l: the
 * order_lines alias.
 *
 * Revenue is net merchandise sales: the sum of this over the lines that count
 * (SD_SQL_LINE_COUNTS) of merchandise (SD_SQL_PRODUCT_IS_MERCHANDISE), so cancellations and
 * returns are netted and postage, fees, adjustments and gift cards left out. Orders counted
 * are sales with at least one merchandise line, and the average order value is revenue over
 * them; the customers active in a period are those with an order counted in it. Amounts
 * are never converted nor summed across currencies: each order's currency keeps figures of
 * its own (sd-shop-summary.h), an order naming none being in the shop's. */
#define SD_SQL_LINE_REVENUE(l) "(" l ".quantity * " l ".unit_price_cents)"
