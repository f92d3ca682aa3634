-- TicketBuster schema and the first 6 events. Idempotent: safe to apply any number of times.
-- Applied by the db-seed Job with psql --single-transaction -v ON_ERROR_STOP=1.

CREATE SCHEMA IF NOT EXISTS catalog;
CREATE SCHEMA IF NOT EXISTS orders;

CREATE TABLE IF NOT EXISTS catalog.venues (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL CHECK (length(trim(name)) > 0),
    city        text NOT NULL,
    country     char(2) NOT NULL DEFAULT 'MX' CHECK (country ~ '^[A-Z]{2}$'),
    capacity    integer NOT NULL CHECK (capacity > 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS catalog.events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL CHECK (length(trim(name)) > 0),
    description text NOT NULL DEFAULT '',
    category    text NOT NULL CHECK (category IN ('concert', 'sports', 'theater', 'festival', 'comedy', 'conference')),
    venue_id    bigint NOT NULL REFERENCES catalog.venues (id) ON DELETE RESTRICT,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz,
    status      text NOT NULL DEFAULT 'on_sale' CHECK (status IN ('draft', 'on_sale', 'sold_out', 'cancelled', 'finished')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_ends_after_start CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX IF NOT EXISTS events_starts_at_idx ON catalog.events (starts_at);
CREATE INDEX IF NOT EXISTS events_venue_idx ON catalog.events (venue_id);
CREATE INDEX IF NOT EXISTS events_on_sale_idx ON catalog.events (starts_at) WHERE status = 'on_sale';

CREATE TABLE IF NOT EXISTS catalog.ticket_types (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    bigint NOT NULL REFERENCES catalog.events (id) ON DELETE CASCADE,
    name        text NOT NULL,
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    currency    char(3) NOT NULL DEFAULT 'MXN' CHECK (currency ~ '^[A-Z]{3}$'),
    quota       integer NOT NULL CHECK (quota > 0),
    sold        integer NOT NULL DEFAULT 0,
    CONSTRAINT ticket_types_event_name_key UNIQUE (event_id, name),
    CONSTRAINT ticket_types_sold_within_quota CHECK (sold >= 0 AND sold <= quota)
);

CREATE TABLE IF NOT EXISTS catalog.seats (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_type_id bigint NOT NULL REFERENCES catalog.ticket_types (id) ON DELETE CASCADE,
    section        text NOT NULL,
    seat_row       text NOT NULL,
    seat_number    integer NOT NULL CHECK (seat_number > 0),
    CONSTRAINT seats_position_key UNIQUE (ticket_type_id, section, seat_row, seat_number)
);

CREATE TABLE IF NOT EXISTS orders.orders (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    idempotency_key text NOT NULL UNIQUE,
    customer_email  text NOT NULL CHECK (customer_email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    event_id        bigint NOT NULL REFERENCES catalog.events (id) ON DELETE RESTRICT,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    total_cents     integer NOT NULL CHECK (total_cents >= 0),
    currency        char(3) NOT NULL DEFAULT 'MXN',
    failure_reason  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS orders_event_idx ON orders.orders (event_id);
CREATE INDEX IF NOT EXISTS orders_customer_idx ON orders.orders (customer_email, created_at DESC);
CREATE INDEX IF NOT EXISTS orders_open_idx ON orders.orders (created_at) WHERE status IN ('pending', 'processing');

CREATE TABLE IF NOT EXISTS orders.order_items (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id         uuid NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
    ticket_type_id   bigint NOT NULL REFERENCES catalog.ticket_types (id) ON DELETE RESTRICT,
    seat_id          bigint REFERENCES catalog.seats (id) ON DELETE RESTRICT,
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
    CONSTRAINT order_items_seat_needs_single CHECK (seat_id IS NULL OR quantity = 1)
);
CREATE INDEX IF NOT EXISTS order_items_order_idx ON orders.order_items (order_id);
-- A seat is sold at most once.
CREATE UNIQUE INDEX IF NOT EXISTS order_items_seat_once_idx ON orders.order_items (seat_id) WHERE seat_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS orders.tickets (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    order_item_id bigint NOT NULL REFERENCES orders.order_items (id) ON DELETE CASCADE,
    qr_code       text NOT NULL UNIQUE,
    issued_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS tickets_order_item_idx ON orders.tickets (order_item_id);

INSERT INTO catalog.venues (slug, name, city, capacity) VALUES
    ('foro-sol', 'Estadio GNP Seguros (Foro Sol)', 'Ciudad de México', 65000),
    ('arena-cdmx', 'Arena Ciudad de México', 'Ciudad de México', 22300),
    ('auditorio-nacional', 'Auditorio Nacional', 'Ciudad de México', 10000),
    ('arena-monterrey', 'Arena Monterrey', 'Monterrey', 17600),
    ('teatro-diana', 'Teatro Diana', 'Guadalajara', 2100),
    ('estadio-akron', 'Estadio Akron', 'Guadalajara', 48000)
ON CONFLICT (slug) DO NOTHING;

INSERT INTO catalog.events (slug, name, description, category, venue_id, starts_at, ends_at)
SELECT e.slug, e.name, e.description, e.category, v.id, e.starts_at::timestamptz, e.ends_at::timestamptz
FROM (VALUES
    ('rock-en-el-foro-2026', 'Rock en el Foro 2026', 'Noche de rock con bandas nacionales', 'concert', 'foro-sol', '2026-03-14 20:00-06', '2026-03-15 01:00-06'),
    ('clasico-nacional', 'Clásico Nacional', 'Partido de fútbol de temporada regular', 'sports', 'estadio-akron', '2026-02-21 19:00-06', '2026-02-21 21:00-06'),
    ('el-rey-leon-musical', 'El Rey León, el musical', 'Temporada de teatro musical', 'theater', 'teatro-diana', '2026-04-02 19:30-06', '2026-04-02 22:00-06'),
    ('sinfonica-de-verano', 'Sinfónica de Verano', 'Orquesta sinfónica al aire libre', 'concert', 'auditorio-nacional', '2026-06-20 20:00-06', NULL),
    ('stand-up-night', 'Stand-up Night', 'Cinco comediantes, una noche', 'comedy', 'arena-cdmx', '2026-05-09 21:00-06', '2026-05-09 23:30-06'),
    ('devconf-mx', 'DevConf MX', 'Conferencia de desarrollo de software', 'conference', 'arena-monterrey', '2026-09-17 09:00-06', '2026-09-18 18:00-06')
) AS e (slug, name, description, category, venue_slug, starts_at, ends_at)
JOIN catalog.venues v ON v.slug = e.venue_slug
ON CONFLICT (slug) DO NOTHING;

-- Every event gets three ticket types, priced from a base that depends on its category.
-- A function so that later seed files reuse it instead of repeating the statement.
CREATE OR REPLACE FUNCTION catalog.ensure_default_ticket_types() RETURNS integer
LANGUAGE sql AS $$
    WITH inserted AS (
        INSERT INTO catalog.ticket_types (event_id, name, price_cents, quota)
        SELECT ev.id, t.name,
               (CASE ev.category WHEN 'conference' THEN 250000 WHEN 'sports' THEN 90000 ELSE 120000 END) * t.factor / 100,
               GREATEST(1, v.capacity * t.share / 100)
        FROM catalog.events ev
        JOIN catalog.venues v ON v.id = ev.venue_id
        CROSS JOIN (VALUES ('General', 100, 70), ('Preferente', 180, 25), ('VIP', 350, 5)) AS t (name, factor, share)
        ON CONFLICT (event_id, name) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer FROM inserted
$$;

SELECT catalog.ensure_default_ticket_types();
