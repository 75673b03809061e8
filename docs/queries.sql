-- Hegemon save queries: questions an operator or a developer asks a save.
--
-- Run them with sqlite3 on a save (a copy, or the live one: the save is in WAL
-- mode, so a reader never blocks the server) after binding the parameters,
-- e.g. in the sqlite3 shell:
--   .parameter set :tick 1000
--   .parameter set :province 123
-- They need SQLite 3.25+ (window functions) and the JSON functions.
--
-- Format (tests/queries_test.cc reads this file): each query starts with a line
-- `-- name: <name>`, then comment lines saying what it answers and its
-- parameters, then exactly one SQL statement ending with `;`. Every query in
-- this file is run against a real save and checked by the test; a new query
-- needs a check there too, or the test fails.
--
-- Two facts about the schema shape every query about the past:
--   * province_history holds one row per province at tick 0 and then one row
--     only for the ticks in which the province's owner, controller or
--     development changed. The state of province P at tick T is therefore P's
--     row with the greatest tick <= T ("as of" T), never the row with tick = T
--     (which usually does not exist), and totals over provinces cannot be
--     computed with GROUP BY tick (a tick's rows are only the provinces that
--     changed in it).
--   * "Now" is game.tick (the last committed tick), not MAX(tick) of
--     event_log: a tick without events has no rows there. Incidents
--     (actor_crashed, game_paused, ...) are in audit_log, logged for ticks
--     that may never have been committed, and kept through rollbacks.
-- Nations, provinces and armies are NULL when "nobody" (an unowned province
-- has owner_id NULL), so comparisons that may meet NULL use IS / IS NOT.


-- name: owner_at_tick
-- Who owned (and who controlled) province :province at tick :tick, what was
-- its development then, and since which tick had it been so.
-- (The seed's `WHERE province_id = 123 AND tick = 1000` finds a row only if
-- the province happened to change at exactly tick 1000.)
-- Parameters: :province (province id), :tick (any tick >= 0; a tick after the
-- save's last one answers for the last one). No row when :tick < 0.
-- owner_id / controller_id are NULL for nobody.
SELECT h.owner_id, n.name AS owner_name, h.controller_id, h.development,
       h.tick AS since_tick
FROM province_history AS h
LEFT JOIN nations AS n ON n.id = h.owner_id
WHERE h.province_id = :province AND h.tick <= :tick
ORDER BY h.tick DESC
LIMIT 1;


-- name: map_at_tick
-- The whole map at tick :tick: owner, controller and development of every
-- province, as of that tick. A province whose controller differs from its
-- owner was occupied at that moment.
-- Parameters: :tick.
-- One row per province (every province has a tick-0 row), ordered by id.
SELECT h.province_id, h.owner_id, h.controller_id, h.development
FROM province_history AS h
JOIN (SELECT province_id, MAX(tick) AS tick
      FROM province_history
      WHERE tick <= :tick
      GROUP BY province_id) AS latest
  USING (province_id, tick)
ORDER BY h.province_id;


-- name: total_development_at_tick
-- The world's total development (the sum over every province) at tick :tick:
-- an as-of join, as in map_at_tick.
-- Parameters: :tick.
-- One row: provinces (how many provinces existed then), total_development.
SELECT COUNT(*) AS provinces, COALESCE(SUM(h.development), 0) AS total_development
FROM province_history AS h
JOIN (SELECT province_id, MAX(tick) AS tick
      FROM province_history
      WHERE tick <= :tick
      GROUP BY province_id) AS latest
  USING (province_id, tick);


-- name: total_development_over_time
-- Economic growth: the world's total development after every tick, from tick
-- 0 to the save's last tick. Each history row contributes its development
-- minus that province's previous row's (lag); the running sum of these deltas
-- in tick order is the total as of each tick. (The seed's
-- `SELECT tick, SUM(development) ... GROUP BY tick` sums only the provinces
-- that changed in each tick.)
-- Parameters: none.
-- One row per committed tick (the ticks table) and per tick having history
-- rows, ordered by tick: tick, total_development.
WITH deltas AS (
  SELECT tick,
         development - lag(development, 1, 0)
                         OVER (PARTITION BY province_id ORDER BY tick) AS delta
  FROM province_history
),
per_tick AS (
  SELECT tick, SUM(delta) AS delta FROM deltas GROUP BY tick
),
all_ticks AS (
  SELECT tick FROM ticks
  UNION
  SELECT tick FROM per_tick
)
SELECT a.tick,
       SUM(COALESCE(p.delta, 0)) OVER (ORDER BY a.tick ROWS UNBOUNDED PRECEDING)
         AS total_development
FROM all_ticks AS a
LEFT JOIN per_tick AS p USING (tick)
ORDER BY a.tick;


-- name: stagnant_wars
-- Stagnant wars: wars still active (end_tick IS NULL) that started more than
-- 365 ticks (one year) before the save's current tick (game.tick) and whose
-- war score is still between -10 and 10 (neither side is winning).
-- Parameters: none.
-- One row per war, ordered by id: id, attacker_id, defender_id, start_tick,
-- age_ticks (game.tick - start_tick), war_score, battle_score.
SELECT w.id, w.attacker_id, w.defender_id, w.start_tick,
       g.tick - w.start_tick AS age_ticks, w.war_score, w.battle_score
FROM wars AS w
CROSS JOIN game AS g
WHERE w.end_tick IS NULL
  AND g.tick - w.start_tick > 365
  AND w.war_score BETWEEN -10 AND 10
ORDER BY w.id;


-- name: nation_at_tick
-- A nation's size at tick :tick: how many provinces it owned, their total
-- development, and how many provinces it controlled (its own not occupied by
-- an enemy, plus the enemy's it occupied).
-- Parameters: :nation (nation id), :tick.
-- One row: provinces, development, controlled (0, 0, 0 for a nation that
-- owned nothing then).
SELECT COUNT(CASE WHEN h.owner_id = :nation THEN 1 END) AS provinces,
       COALESCE(SUM(CASE WHEN h.owner_id = :nation THEN h.development END), 0) AS development,
       COUNT(CASE WHEN h.controller_id = :nation THEN 1 END) AS controlled
FROM province_history AS h
JOIN (SELECT province_id, MAX(tick) AS tick
      FROM province_history
      WHERE tick <= :tick
      GROUP BY province_id) AS latest
  USING (province_id, tick);


-- name: nation_wars
-- The wars nation :nation fought, as attacker or defender, with their outcome
-- for it, from the war's `peace` event (event_data {"war", "winner" (0 =
-- white peace), "provinces" (how many changed hands)}).
-- Parameters: :nation.
-- One row per war, ordered by start_tick then id: war_id, role ('attacker' /
-- 'defender'), enemy_id, start_tick, end_tick (NULL while active), war_score
-- (the last one; positive favours the attacker), winner_id (NULL while
-- active, 0 for a white peace), outcome ('won', 'lost', 'white peace',
-- 'ongoing'), provinces_changed (NULL while active).
SELECT w.id AS war_id,
       CASE WHEN w.attacker_id = :nation THEN 'attacker' ELSE 'defender' END AS role,
       CASE WHEN w.attacker_id = :nation THEN w.defender_id ELSE w.attacker_id END AS enemy_id,
       w.start_tick, w.end_tick, w.war_score,
       json_extract(p.event_data, '$.winner') AS winner_id,
       CASE
         WHEN p.id IS NULL THEN 'ongoing'
         WHEN json_extract(p.event_data, '$.winner') = 0 THEN 'white peace'
         WHEN json_extract(p.event_data, '$.winner') = :nation THEN 'won'
         ELSE 'lost'
       END AS outcome,
       json_extract(p.event_data, '$.provinces') AS provinces_changed
FROM wars AS w
LEFT JOIN event_log AS p
  ON p.event_type = 'peace' AND json_extract(p.event_data, '$.war') = w.id
WHERE w.attacker_id = :nation OR w.defender_id = :nation
ORDER BY w.start_tick, w.id;


-- name: war_events
-- Everything that happened in war :war, in order: its declaration, battles,
-- sieges, peace offers, provinces transferred, peace (every event whose
-- event_data has "war" = :war).
-- Parameters: :war (war id).
-- One row per event, in the order logged: tick, event_type, event_data.
SELECT tick, event_type, event_data
FROM event_log
WHERE json_extract(event_data, '$.war') = :war
ORDER BY id;


-- name: events_per_year
-- How many events of type :event_type happened in each in-game year (e.g.
-- 'war_declared', 'battle', 'revolt', 'bankruptcy'). The year is the
-- calendar year of the event's tick, counted in days from the date of the
-- save's current tick (game.date is the date of game.tick).
-- Parameters: :event_type (an event_log.event_type, see rules/events.h).
-- One row per year with at least one such event, ordered: year, events.
SELECT CAST(strftime('%Y', g.date, (e.tick - g.tick) || ' days') AS INTEGER) AS year,
       COUNT(*) AS events
FROM event_log AS e
CROSS JOIN game AS g
WHERE e.event_type = :event_type
GROUP BY year
ORDER BY year;


-- name: player_commands
-- The commands given to nation :nation, in the order they were applied, and
-- which of them failed at their tick (and why). Each applied command is an
-- event_log row of type 'command' whose event_data is the whole command
-- {"seq", "nation", "kind", ...its fields}; a command that no longer held at
-- its tick also has a 'command_failed' row with the same "seq" and a "reason".
-- Parameters: :nation.
-- One row per command, in application order: tick, seq, kind, command (the
-- whole command as JSON), failure (the reason, NULL when it was applied).
SELECT c.tick,
       json_extract(c.event_data, '$.seq') AS seq,
       json_extract(c.event_data, '$.kind') AS kind,
       c.event_data AS command,
       json_extract(f.event_data, '$.reason') AS failure
FROM event_log AS c
LEFT JOIN event_log AS f
  ON f.event_type = 'command_failed'
 AND json_extract(f.event_data, '$.seq') = json_extract(c.event_data, '$.seq')
WHERE c.event_type = 'command'
  AND json_extract(c.event_data, '$.nation') = :nation
ORDER BY c.id;


-- name: province_owner_changes
-- When province :province changed hands: every tick at which its owner
-- changed, from whom to whom (NULL: nobody). Occupations (controller
-- changes) and development changes are left out.
-- Parameters: :province.
-- One row per change, ordered by tick: tick, previous_owner_id, owner_id.
SELECT tick, previous_owner_id, owner_id
FROM (SELECT tick, owner_id,
             lag(owner_id) OVER (ORDER BY tick) AS previous_owner_id,
             row_number() OVER (ORDER BY tick) AS n
      FROM province_history
      WHERE province_id = :province)
WHERE n > 1 AND owner_id IS NOT previous_owner_id
ORDER BY tick;


-- name: nation_territory_changes
-- The ticks at which nation :nation gained or lost provinces, which ones and
-- to or from whom.
-- Parameters: :nation.
-- One row per province gained or lost, ordered by tick then province:
-- tick, province_id, change ('gained' / 'lost'), other_nation_id (the
-- previous owner of a province gained, the new owner of one lost; NULL:
-- nobody).
SELECT tick, province_id,
       CASE WHEN owner_id IS :nation THEN 'gained' ELSE 'lost' END AS change,
       CASE WHEN owner_id IS :nation THEN previous_owner_id ELSE owner_id END AS other_nation_id
FROM (SELECT tick, province_id, owner_id,
             lag(owner_id) OVER (PARTITION BY province_id ORDER BY tick) AS previous_owner_id,
             row_number() OVER (PARTITION BY province_id ORDER BY tick) AS n
      FROM province_history)
WHERE n > 1
  AND owner_id IS NOT previous_owner_id
  AND (owner_id IS :nation OR previous_owner_id IS :nation)
ORDER BY tick, province_id;
