-- 14 more events (20 in all with 001_init.sql). Idempotent: keyed on the event slug.

INSERT INTO catalog.events (slug, name, description, category, venue_id, starts_at, ends_at)
SELECT e.slug, e.name, e.description, e.category, v.id, e.starts_at::timestamptz, e.ends_at::timestamptz
FROM (VALUES
    ('vive-latino-2026', 'Vive Latino 2026', 'Festival de rock iberoamericano', 'festival', 'foro-sol', '2026-03-21 12:00-06', '2026-03-22 23:59-06'),
    ('noche-de-mariachi', 'Noche de Mariachi', 'Mariachi tradicional con orquesta', 'concert', 'auditorio-nacional', '2026-09-15 20:00-06', NULL),
    ('final-de-liga', 'Final de Liga', 'Partido de vuelta de la final', 'sports', 'estadio-akron', '2026-05-24 19:00-06', '2026-05-24 21:00-06'),
    ('lucha-libre-estelar', 'Lucha Libre Estelar', 'Función estelar de lucha libre', 'sports', 'arena-cdmx', '2026-02-13 20:30-06', '2026-02-13 23:00-06'),
    ('jazz-en-monterrey', 'Jazz en Monterrey', 'Big band y solistas invitados', 'concert', 'arena-monterrey', '2026-04-18 20:00-06', NULL),
    ('hamlet-reimaginado', 'Hamlet reimaginado', 'Shakespeare en versión contemporánea', 'theater', 'teatro-diana', '2026-07-03 19:00-06', '2026-07-03 21:30-06'),
    ('pop-tour-mexico', 'Pop Tour México', 'Gira de pop internacional', 'concert', 'foro-sol', '2026-10-10 20:30-06', '2026-10-11 00:30-06'),
    ('comedia-sin-filtro', 'Comedia sin filtro', 'Noche de comedia de improvisación', 'comedy', 'teatro-diana', '2026-06-06 21:00-06', NULL),
    ('cloud-summit-gdl', 'Cloud Summit GDL', 'Conferencia de infraestructura y nube', 'conference', 'estadio-akron', '2026-11-05 09:00-06', '2026-11-05 18:00-06'),
    ('electronic-fest', 'Electronic Fest', 'Festival de música electrónica', 'festival', 'arena-monterrey', '2026-08-29 18:00-06', '2026-08-30 04:00-06'),
    ('opera-gala', 'Gala de Ópera', 'Arias célebres con coro y orquesta', 'concert', 'auditorio-nacional', '2026-12-12 19:00-06', NULL),
    ('basquet-all-star', 'Básquetbol All-Star', 'Juego de estrellas de la liga', 'sports', 'arena-cdmx', '2026-04-25 18:00-06', '2026-04-25 20:30-06'),
    ('cascanueces', 'El Cascanueces', 'Ballet de temporada navideña', 'theater', 'auditorio-nacional', '2026-12-19 18:00-06', '2026-12-19 20:00-06'),
    ('festival-de-tacos', 'Festival del Taco y la Música', 'Gastronomía y música en vivo', 'festival', 'foro-sol', '2026-10-31 13:00-06', '2026-10-31 23:00-06')
) AS e (slug, name, description, category, venue_slug, starts_at, ends_at)
JOIN catalog.venues v ON v.slug = e.venue_slug
ON CONFLICT (slug) DO NOTHING;

SELECT catalog.ensure_default_ticket_types();
