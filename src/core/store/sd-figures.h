/* sd-figures.h — the shop's business figures, each defined once
 *
 * SQL fragments for every query that counts sales or sums revenue, so the Overview, the
 * CLI, the models and the coupon facts cannot drift apart. They expand to string
 * literals, to be pasted into a constant query (statements are cached by address). */
#pragma once

/* An order that counts as a sale: neither cancelled nor refunded, nor pending (authorised
 * or awaiting payment: not paid yet). @o: the orders alias. */
#define SD_SQL_ORDER_IS_SALE(o) o ".status NOT IN ('cancelled', 'refunded', 'pending')"

/* What an order line earns, in cents: its quantity times its unit price. @l: the
 * order_lines alias.
 *
 * Revenue is the sum of this over the lines of orders that are sales. Amounts are not
 * converted between currencies: a shop is taken to sell in one (the Overview shows the
 * currency most orders are in). */
#define SD_SQL_LINE_REVENUE(l) "(" l ".quantity * " l ".unit_price_cents)"
