import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSqlDir } from "../components/sql-seed-job";
import { PgServer, startPostgres } from "./postgres-server";

const SQL_DIR = path.join(__dirname, "..", "sql", "ticketbuster");
const files = Object.keys(readSqlDir(SQL_DIR)).map((f) => path.join(SQL_DIR, f));
const TABLES = ["catalog.venues", "catalog.events", "catalog.ticket_types", "catalog.seats", "orders.orders", "orders.order_items", "orders.tickets"];

let pg: PgServer;
let db = 0;
/** A fresh database per test, so each test sees only what it applied. */
function freshDb(): string {
    const name = `seed_${++db}`;
    pg.createDatabase(name);
    return name;
}
const applyAll = (name: string) => files.forEach((file) => pg.psql({ file, db: name }));
const counts = (name: string) => Object.fromEntries(TABLES.map((t) => [t, Number(pg.scalar(`SELECT count(*) FROM ${t}`, name))]));

beforeAll(async () => {
    pg = await startPostgres();
});
afterAll(() => pg?.stop());

describe("seed SQL on a real PostgreSQL 15", () => {
    it("applies in name order: 6 events from init, 20 after add-events", () => {
        const name = freshDb();
        pg.psql({ file: files[0], db: name });
        expect(pg.scalar("SELECT count(*) FROM catalog.events", name)).toBe("6");
        pg.psql({ file: files[1], db: name });
        expect(pg.scalar("SELECT count(*) FROM catalog.events", name)).toBe("20");
        expect(pg.scalar("SELECT count(*) FROM catalog.ticket_types", name)).toBe("60");
    });

    it("is idempotent: applying everything twice leaves the same rows, without errors", () => {
        const name = freshDb();
        applyAll(name);
        const once = counts(name);
        const snapshot = pg.psql({ sql: "SELECT id, slug, venue_id, starts_at FROM catalog.events ORDER BY id", db: name });
        applyAll(name);
        expect(counts(name)).toEqual(once);
        expect(pg.psql({ sql: "SELECT id, slug, venue_id, starts_at FROM catalog.events ORDER BY id", db: name })).toBe(snapshot);
        expect(once["catalog.events"]).toBe(20);
        expect(pg.scalar("SELECT count(*) FROM (SELECT slug FROM catalog.events GROUP BY slug HAVING count(*) > 1) d", name)).toBe("0");
        expect(pg.scalar("SELECT count(*) FROM (SELECT event_id, name FROM catalog.ticket_types GROUP BY 1, 2 HAVING count(*) > 1) d", name)).toBe("0");
    });

    describe("constraints reject bad rows", () => {
        let name: string;
        beforeAll(() => {
            name = freshDb();
            applyAll(name);
        });
        const event = "(SELECT id FROM catalog.events WHERE slug = 'devconf-mx')";
        const ticketType = `(SELECT id FROM catalog.ticket_types WHERE event_id = ${event} AND name = 'VIP')`;
        const order = (key: string, email = "ana@example.com", total = 1000) =>
            `INSERT INTO orders.orders (idempotency_key, customer_email, event_id, total_cents) VALUES ('${key}', '${email}', ${event}, ${total}) RETURNING id`;

        it.each([
            ["a duplicate event slug", `INSERT INTO catalog.events (slug, name, category, venue_id, starts_at) SELECT 'devconf-mx', 'x', 'concert', venue_id, now() FROM catalog.events LIMIT 1`, /events_slug_key/],
            ["an unknown category", `INSERT INTO catalog.events (slug, name, category, venue_id, starts_at) SELECT 'new-one', 'x', 'opera-rock', venue_id, now() FROM catalog.events LIMIT 1`, /events_category_check/],
            ["an event ending before it starts", `INSERT INTO catalog.events (slug, name, category, venue_id, starts_at, ends_at) SELECT 'backwards', 'x', 'concert', venue_id, now(), now() - interval '1 hour' FROM catalog.events LIMIT 1`, /events_ends_after_start/],
            ["an event at a venue that does not exist", `INSERT INTO catalog.events (slug, name, category, venue_id, starts_at) VALUES ('nowhere', 'x', 'concert', 999999, now())`, /events_venue_id_fkey/],
            ["a negative price", `INSERT INTO catalog.ticket_types (event_id, name, price_cents, quota) VALUES (${event}, 'Free?', -1, 10)`, /price_cents_check/],
            ["more tickets sold than the quota", `UPDATE catalog.ticket_types SET sold = quota + 1 WHERE id = ${ticketType}`, /ticket_types_sold_within_quota/],
            ["a malformed customer email", order("k-email", "not-an-email"), /customer_email_check/],
            ["a reused idempotency key", `${order("k-dup")}; ${order("k-dup")}`, /orders_idempotency_key_key/],
            ["an unknown order status", `INSERT INTO orders.orders (idempotency_key, customer_email, event_id, total_cents, status) VALUES ('k-status', 'ana@example.com', ${event}, 10, 'lost')`, /orders_status_check/],
            ["an order item with zero tickets", `WITH o AS (${order("k-zero")}) INSERT INTO orders.order_items (order_id, ticket_type_id, quantity, unit_price_cents) SELECT o.id, ${ticketType}, 0, 100 FROM o`, /order_items_quantity_check/],
        ])("%s", (_what, sql, error) => {
            expect(() => pg.psql({ sql, db: name })).toThrow(error);
        });

        it("a seat sold twice", () => {
            const seat = pg.scalar(`INSERT INTO catalog.seats (ticket_type_id, section, seat_row, seat_number) VALUES (${ticketType}, 'A', '1', 7) RETURNING id`, name);
            const item = (key: string) =>
                `WITH o AS (${order(key)}) INSERT INTO orders.order_items (order_id, ticket_type_id, seat_id, quantity, unit_price_cents) SELECT o.id, ${ticketType}, ${seat}, 1, 1000 FROM o`;
            pg.psql({ sql: item("seat-1"), db: name });
            expect(() => pg.psql({ sql: item("seat-2"), db: name })).toThrow(/order_items_seat_once_idx/);
        });

        it("accepts a well-formed order (the constraints are not simply rejecting everything)", () => {
            const id = pg.scalar(order("k-good"), name);
            expect(id).toMatch(/^[0-9a-f-]{36}$/);
            expect(pg.scalar(`SELECT status FROM orders.orders WHERE id = '${id}'`, name)).toBe("pending");
        });
    });
});
