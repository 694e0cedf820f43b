-- Queries that stedi and DuckDB must answer alike over the same Parquet files
-- (tests/python/test_sql_oracle.py). Each starts with `-- query: <name>`; a `-- duckdb:` line
-- starts DuckDB's spelling when the dialects differ. Tables are the real data's landing tables
-- and, once `stedi run` builds them, the trusted and curated tables. Orderings under a
-- top-level ORDER BY, LIMIT/OFFSET and windows are over unique keys, so both engines agree.

-- query: seed_customer_count
SELECT count(1) FROM "my_stedi_project"."customer_landing" limit 10;

-- query: seed_accelerometer_count
SELECT count(1) FROM "my_stedi_project"."accelerometer_landing" limit 10;

-- query: seed_step_trainer_count
SELECT count(1) FROM "my_stedi_project"."step_trainer_landing" limit 10;

-- query: qualified_without_quotes
SELECT count(*) AS n FROM my_stedi_project.step_trainer_landing

-- query: select_star
SELECT * FROM customer_landing

-- query: select_table_star_with_alias
SELECT s.*, s.distancefromobject * 2 AS doubled FROM step_trainer_landing s

-- query: select_aliases_and_case_insensitive_names
SELECT CustomerName AS name, EMAIL AS mail, c.SerialNumber serial FROM customer_landing c

-- query: accelerometer_columns_qualified
SELECT a.user, a.timestamp, a.x, a.y, a.z FROM accelerometer_landing a
-- duckdb:
SELECT a."user", a."timestamp", a.x, a.y, a.z FROM accelerometer_landing a

-- query: where_comparisons
SELECT sensorreadingtime, serialnumber, distancefromobject FROM step_trainer_landing
WHERE distancefromobject >= 250 AND distancefromobject <> 300 AND distancefromobject < 299

-- query: where_and_or_not
SELECT email FROM customer_landing
WHERE (sharewithresearchasofdate IS NOT NULL OR sharewithpublicasofdate IS NOT NULL)
  AND NOT (sharewithfriendsasofdate IS NULL)

-- query: where_is_null
SELECT email, sharewithpublicasofdate FROM customer_landing WHERE sharewithresearchasofdate IS NULL

-- query: where_in_list
SELECT a.user, a.x FROM accelerometer_landing a WHERE a.x IN (1.0, -1.0) AND a.y IN (0)
-- duckdb:
SELECT a."user", a.x FROM accelerometer_landing a WHERE a.x IN (1.0, -1.0) AND a.y IN (0)

-- query: where_in_string_list
SELECT email, customername FROM customer_landing
WHERE email IN ('Santosh.Clayton@test.com', 'Ben.Khatib@test.com', 'nobody@test.com')

-- query: where_not_in_list
SELECT distancefromobject, count(*) AS n FROM step_trainer_landing
WHERE distancefromobject NOT IN (201, 202, 203, 300) GROUP BY distancefromobject

-- query: where_in_subquery
SELECT count(*) AS n FROM accelerometer_landing a
WHERE a.user IN (SELECT email FROM customer_landing WHERE sharewithresearchasofdate IS NOT NULL)
-- duckdb:
SELECT count(*) AS n FROM accelerometer_landing a
WHERE a."user" IN (SELECT email FROM customer_landing WHERE sharewithresearchasofdate IS NOT NULL)

-- query: where_not_in_subquery
SELECT email FROM customer_landing
WHERE email NOT IN (SELECT a.user FROM accelerometer_landing a WHERE a.timestamp > 1655564400000)
-- duckdb:
SELECT email FROM customer_landing
WHERE email NOT IN (SELECT a."user" FROM accelerometer_landing a WHERE a."timestamp" > 1655564400000)

-- query: not_in_subquery_with_null
SELECT email FROM customer_landing
WHERE sharewithresearchasofdate NOT IN (SELECT sharewithpublicasofdate FROM customer_landing)

-- query: not_in_subquery_without_null
SELECT email FROM customer_landing
WHERE sharewithresearchasofdate NOT IN (
  SELECT sharewithpublicasofdate FROM customer_landing WHERE sharewithpublicasofdate IS NOT NULL)

-- query: exists_correlated
SELECT c.email, c.serialnumber FROM customer_landing c
WHERE EXISTS (SELECT 1 FROM step_trainer_landing s WHERE s.serialnumber = c.serialnumber)

-- query: not_exists_correlated
SELECT c.email FROM customer_landing c
WHERE NOT EXISTS (SELECT 1 FROM accelerometer_landing a
                  WHERE a.user = c.email AND a.timestamp < c.registrationdate)
-- duckdb:
SELECT c.email FROM customer_landing c
WHERE NOT EXISTS (SELECT 1 FROM accelerometer_landing a
                  WHERE a."user" = c.email AND a."timestamp" < c.registrationdate)

-- query: exists_correlated_with_extra_condition
SELECT c.email FROM customer_landing c
WHERE EXISTS (SELECT 1 FROM accelerometer_landing a
              WHERE a.user = c.email AND a.timestamp >= c.sharewithresearchasofdate)
-- duckdb:
SELECT c.email FROM customer_landing c
WHERE EXISTS (SELECT 1 FROM accelerometer_landing a
              WHERE a."user" = c.email AND a."timestamp" >= c.sharewithresearchasofdate)

-- query: between
SELECT serialnumber, sensorreadingtime FROM step_trainer_landing
WHERE distancefromobject BETWEEN 210 AND 215 AND sensorreadingtime NOT BETWEEN 0 AND 1655562000000

-- query: like_patterns
SELECT customername, email FROM customer_landing
WHERE customername LIKE 'S%' AND email NOT LIKE '%Clayton%' OR customername LIKE '_en %'

-- query: distinct_single
SELECT DISTINCT a.user FROM accelerometer_landing a
-- duckdb:
SELECT DISTINCT a."user" FROM accelerometer_landing a

-- query: distinct_multi
SELECT DISTINCT x, y, z FROM accelerometer_landing

-- query: inner_join_multi_column
SELECT s.serialnumber, s.sensorreadingtime, a.x, a.y, a.z
FROM step_trainer_landing s
JOIN customer_landing c ON c.serialnumber = s.serialnumber
JOIN accelerometer_landing a ON a.user = c.email AND a.timestamp = s.sensorreadingtime
-- duckdb:
SELECT s.serialnumber, s.sensorreadingtime, a.x, a.y, a.z
FROM step_trainer_landing s
JOIN customer_landing c ON c.serialnumber = s.serialnumber
JOIN accelerometer_landing a ON a."user" = c.email AND a."timestamp" = s.sensorreadingtime

-- query: inner_join_with_extra_condition
SELECT c.email, s.sensorreadingtime, s.distancefromobject
FROM customer_landing c INNER JOIN step_trainer_landing s
  ON s.serialnumber = c.serialnumber AND s.distancefromobject > 290
  AND s.sensorreadingtime > c.registrationdate

-- query: left_join_counts
SELECT c.email, count(s.serialnumber) AS readings
FROM customer_landing c LEFT JOIN step_trainer_landing s ON s.serialnumber = c.serialnumber
GROUP BY c.email

-- query: left_join_unmatched_rows
SELECT c.email, s.sensorreadingtime
FROM customer_landing c LEFT OUTER JOIN step_trainer_landing s
  ON s.serialnumber = c.serialnumber AND s.distancefromobject = 300
WHERE c.customername LIKE 'A%'

-- query: right_join
SELECT c.customername, s.serialnumber, s.distancefromobject
FROM customer_landing c RIGHT JOIN step_trainer_landing s
  ON s.serialnumber = c.serialnumber AND c.sharewithresearchasofdate IS NOT NULL
WHERE s.distancefromobject < 205

-- query: full_join_multi_column
SELECT t.serialnumber, t.sensorreadingtime, u.serialnumber AS other_serial, u.sensorreadingtime AS other_time
FROM (SELECT * FROM step_trainer_landing WHERE distancefromobject < 210) t
FULL OUTER JOIN (SELECT * FROM step_trainer_landing WHERE distancefromobject BETWEEN 205 AND 215) u
  ON t.serialnumber = u.serialnumber AND t.sensorreadingtime = u.sensorreadingtime

-- query: cross_join_small
SELECT p.x, q.y, p.x * q.y AS product
FROM (SELECT DISTINCT x FROM accelerometer_landing) p
CROSS JOIN (SELECT DISTINCT y FROM accelerometer_landing) q

-- query: comma_join_with_where
SELECT c.email, s.distancefromobject
FROM customer_landing c, step_trainer_landing s
WHERE c.serialnumber = s.serialnumber AND s.distancefromobject = 250

-- query: self_join
SELECT a.email AS first, b.email AS second
FROM customer_landing a JOIN customer_landing b
  ON substr(a.customername, 1, 4) = substr(b.customername, 1, 4) AND a.email < b.email
WHERE a.customername LIKE 'Sa%'

-- query: group_by_name_all_aggregates
SELECT serialnumber, count(*) AS n, count(distancefromobject) AS nn,
       count(DISTINCT distancefromobject) AS distinct_distances, sum(distancefromobject) AS total,
       avg(distancefromobject) AS mean, min(sensorreadingtime) AS first, max(sensorreadingtime) AS last
FROM step_trainer_landing GROUP BY serialnumber

-- query: group_by_alias
SELECT substr(email, 1, 1) AS initial, count(*) AS n FROM customer_landing GROUP BY initial

-- query: group_by_ordinal
SELECT x, y, count(*) AS n, sum(z) AS sz FROM accelerometer_landing GROUP BY 1, 2

-- query: group_by_expression
SELECT distancefromobject / 10 AS bucket, count(*) AS n FROM step_trainer_landing
GROUP BY distancefromobject / 10
-- duckdb:
SELECT distancefromobject // 10 AS bucket, count(*) AS n FROM step_trainer_landing
GROUP BY distancefromobject // 10

-- query: aggregates_without_group_by
SELECT count(*) AS n, count(sharewithresearchasofdate) AS consented,
       count(DISTINCT sharewithresearchasofdate) AS dates, min(email) AS first_email,
       max(customername) AS last_name, sum(registrationdate) AS reg_sum, avg(registrationdate) AS reg_avg
FROM customer_landing

-- query: aggregate_of_empty_input
SELECT count(*) AS n, sum(x) AS s, avg(x) AS m, min(a.user) AS u FROM accelerometer_landing a
WHERE a.x > 5
-- duckdb:
SELECT count(*) AS n, sum(x) AS s, avg(x) AS m, min(a."user") AS u FROM accelerometer_landing a
WHERE a.x > 5

-- query: group_by_empty_input
SELECT serialnumber, count(*) AS n FROM step_trainer_landing WHERE distancefromobject > 1000
GROUP BY serialnumber

-- query: sum_avg_doubles
SELECT a.user, sum(a.x) AS sx, avg(a.y) AS ay, sum(a.x * a.y + a.z) AS mixed
FROM accelerometer_landing a GROUP BY a.user
-- duckdb:
SELECT a."user", sum(a.x) AS sx, avg(a.y) AS ay, sum(a.x * a.y + a.z) AS mixed
FROM accelerometer_landing a GROUP BY a."user"

-- query: having
SELECT serialnumber, count(*) AS n FROM step_trainer_landing GROUP BY serialnumber
HAVING count(*) >= 30 AND max(distancefromobject) >= 299

-- query: having_on_aggregate_not_selected
SELECT a.user FROM accelerometer_landing a GROUP BY a.user HAVING avg(a.x) > 0.2
-- duckdb:
SELECT a."user" FROM accelerometer_landing a GROUP BY a."user" HAVING avg(a.x) > 0.2

-- query: order_by_asc_desc
SELECT serialnumber, sensorreadingtime, distancefromobject FROM step_trainer_landing
ORDER BY distancefromobject DESC, serialnumber ASC, sensorreadingtime DESC

-- query: order_by_nulls_first
SELECT email, sharewithresearchasofdate FROM customer_landing
ORDER BY sharewithresearchasofdate ASC NULLS FIRST, email

-- query: order_by_nulls_last_desc
SELECT email, sharewithpublicasofdate FROM customer_landing
ORDER BY sharewithpublicasofdate DESC NULLS LAST, email DESC

-- query: order_by_ordinal_and_alias
SELECT email AS mail, registrationdate AS reg FROM customer_landing ORDER BY 2 DESC, mail

-- query: order_by_expression_not_selected
SELECT email FROM customer_landing ORDER BY length(customername) DESC, email

-- query: limit
SELECT email, customername FROM customer_landing ORDER BY email LIMIT 7

-- query: limit_offset
SELECT serialnumber, sensorreadingtime FROM step_trainer_landing
ORDER BY serialnumber, sensorreadingtime LIMIT 10 OFFSET 20000

-- query: offset_past_end
SELECT email FROM customer_landing ORDER BY email LIMIT 5 OFFSET 2000

-- query: with_cte
WITH consenting AS (
  SELECT email, serialnumber FROM customer_landing WHERE sharewithresearchasofdate IS NOT NULL
), readings AS (
  SELECT serialnumber, count(*) AS n FROM step_trainer_landing GROUP BY serialnumber
)
SELECT c.email, r.n FROM consenting c JOIN readings r ON r.serialnumber = c.serialnumber

-- query: with_cte_used_twice
WITH per_user AS (SELECT a.user AS u, count(*) AS n FROM accelerometer_landing a GROUP BY a.user)
SELECT p.u, p.n FROM per_user p WHERE p.n = (SELECT max(n) FROM per_user)
-- duckdb:
WITH per_user AS (SELECT a."user" AS u, count(*) AS n FROM accelerometer_landing a GROUP BY a."user")
SELECT p.u, p.n FROM per_user p WHERE p.n = (SELECT max(n) FROM per_user)

-- query: subquery_in_from
SELECT bucket, count(*) AS customers
FROM (SELECT email, CASE WHEN sharewithresearchasofdate IS NULL THEN 'no' ELSE 'yes' END AS bucket
      FROM customer_landing) t
GROUP BY bucket

-- query: scalar_subquery
SELECT email, registrationdate - (SELECT min(registrationdate) FROM customer_landing) AS since_first
FROM customer_landing

-- query: union_all
SELECT email AS id, 'customer' AS kind FROM customer_landing
UNION ALL
SELECT serialnumber, 'device' FROM step_trainer_landing WHERE distancefromobject = 201

-- query: union_distinct
SELECT serialnumber FROM customer_landing
UNION
SELECT serialnumber FROM step_trainer_landing

-- query: union_with_order_by
SELECT x AS v FROM accelerometer_landing UNION SELECT y FROM accelerometer_landing ORDER BY 1

-- query: case_searched_and_simple
SELECT email,
       CASE WHEN sharewithresearchasofdate IS NOT NULL THEN 'research'
            WHEN sharewithpublicasofdate IS NOT NULL THEN 'public'
            ELSE 'none' END AS consent,
       CASE substr(customername, 1, 1) WHEN 'A' THEN 1 WHEN 'B' THEN 2 END AS letter
FROM customer_landing

-- query: cast_types
SELECT CAST(distancefromobject AS double) / 4 AS quarter, CAST(distancefromobject AS varchar) AS text,
       CAST('42' AS bigint) + 1 AS answer, CAST(distancefromobject AS integer) AS i,
       CAST(sensorreadingtime AS varchar) AS t
FROM step_trainer_landing WHERE distancefromobject > 295

-- query: cast_double_to_bigint
SELECT DISTINCT CAST(x AS bigint) AS xi, CAST(y * 3 AS integer) AS yi FROM accelerometer_landing

-- query: arithmetic
SELECT sensorreadingtime, distancefromobject + 1 AS plus, distancefromobject - 300 AS minus,
       distancefromobject * 3 AS times, distancefromobject / 7 AS intdiv, distancefromobject % 7 AS modulo,
       distancefromobject / 7.0 AS realdiv, -distancefromobject AS negated
FROM step_trainer_landing WHERE serialnumber LIKE '0%'
-- duckdb:
SELECT sensorreadingtime, distancefromobject + 1 AS plus, distancefromobject - 300 AS minus,
       distancefromobject * 3 AS times, distancefromobject // 7 AS intdiv, distancefromobject % 7 AS modulo,
       distancefromobject / 7.0 AS realdiv, -distancefromobject AS negated
FROM step_trainer_landing WHERE serialnumber LIKE '0%'

-- query: arithmetic_with_nulls
SELECT email, sharewithresearchasofdate - registrationdate AS wait,
       sharewithpublicasofdate + 1 AS p1
FROM customer_landing

-- query: window_row_number
SELECT serialnumber, sensorreadingtime,
       row_number() OVER (PARTITION BY serialnumber ORDER BY sensorreadingtime) AS rn
FROM step_trainer_landing

-- query: window_rank_with_ties
SELECT serialnumber, sensorreadingtime, distancefromobject,
       rank() OVER (PARTITION BY serialnumber ORDER BY distancefromobject DESC) AS rk
FROM step_trainer_landing

-- query: window_lag_lead
SELECT serialnumber, sensorreadingtime,
       lag(distancefromobject) OVER (PARTITION BY serialnumber ORDER BY sensorreadingtime) AS prev,
       lead(distancefromobject, 2) OVER (PARTITION BY serialnumber ORDER BY sensorreadingtime) AS next2
FROM step_trainer_landing

-- query: window_running_sum_and_count
SELECT serialnumber, sensorreadingtime,
       sum(distancefromobject) OVER (PARTITION BY serialnumber ORDER BY sensorreadingtime) AS running,
       count(*) OVER (PARTITION BY serialnumber ORDER BY sensorreadingtime) AS seen
FROM step_trainer_landing

-- query: window_partition_totals
SELECT a.user, a.timestamp, a.x,
       sum(a.x) OVER (PARTITION BY a.user) AS user_total,
       count(*) OVER (PARTITION BY a.user) AS user_rows
FROM accelerometer_landing a WHERE a.user LIKE 'A%'
-- duckdb:
SELECT a."user", a."timestamp", a.x,
       sum(a.x) OVER (PARTITION BY a."user") AS user_total,
       count(*) OVER (PARTITION BY a."user") AS user_rows
FROM accelerometer_landing a WHERE a."user" LIKE 'A%'

-- query: window_top_n_per_group
SELECT serialnumber, sensorreadingtime, distancefromobject FROM (
  SELECT s.*, row_number() OVER (PARTITION BY serialnumber ORDER BY sensorreadingtime DESC) AS rn
  FROM step_trainer_landing s) t
WHERE rn <= 2

-- query: string_functions
SELECT email, lower(email) AS lo, upper(customername) AS up, length(customername) AS len,
       substr(email, 3, 5) AS part, substr(email, 4) AS rest, trim('  ' || customername || ' ') AS trimmed
FROM customer_landing

-- query: concat_and_pipes
SELECT concat(customername, ' <', email, '>') AS contact, customername || '/' || serialnumber AS tag
FROM customer_landing WHERE customername LIKE 'B%'

-- query: coalesce_nullif
SELECT email, coalesce(sharewithresearchasofdate, sharewithpublicasofdate, 0) AS first_consent,
       nullif(sharewithresearchasofdate, sharewithpublicasofdate) AS research_only
FROM customer_landing

-- query: math_functions
SELECT DISTINCT x, y, z, abs(x) AS ax, round(x / 3, 4) AS r4, round(y * 2.5) AS r0, floor(x / 2) AS fl,
       ceil(y / 2) AS ce, sqrt(abs(z) + 1) AS root
FROM accelerometer_landing

-- query: math_on_integers
SELECT DISTINCT distancefromobject, abs(distancefromobject - 250) AS dist, sqrt(distancefromobject) AS root,
       round(distancefromobject / 3.0, 2) AS third
FROM step_trainer_landing

-- query: from_unixtime_and_to_unixtime
SELECT email, from_unixtime(registrationdate / 1000) AS registered,
       to_unixtime(from_unixtime(registrationdate / 1000)) AS back
FROM customer_landing
-- duckdb:
SELECT email, to_timestamp(registrationdate // 1000)::TIMESTAMP AS registered,
       epoch(to_timestamp(registrationdate // 1000)::TIMESTAMP) AS back
FROM customer_landing

-- query: from_unixtime_milliseconds
SELECT s.serialnumber, s.sensorreadingtime, from_unixtime(s.sensorreadingtime / 1000.0) AS at
FROM step_trainer_landing s WHERE s.distancefromobject = 222
-- duckdb:
SELECT s.serialnumber, s.sensorreadingtime, epoch_ms(s.sensorreadingtime) AS at
FROM step_trainer_landing s WHERE s.distancefromobject = 222

-- query: date_trunc_group
SELECT date_trunc('hour', from_unixtime(a.timestamp / 1000)) AS hour, count(*) AS n
FROM accelerometer_landing a GROUP BY 1
-- duckdb:
SELECT date_trunc('hour', to_timestamp(a."timestamp" // 1000)::TIMESTAMP) AS hour, count(*) AS n
FROM accelerometer_landing a GROUP BY 1

-- query: date_trunc_minute_and_day
SELECT DISTINCT date_trunc('minute', from_unixtime(registrationdate / 1000)) AS m,
       date_trunc('day', from_unixtime(registrationdate / 1000)) AS d
FROM customer_landing
-- duckdb:
SELECT DISTINCT date_trunc('minute', to_timestamp(registrationdate // 1000)::TIMESTAMP) AS m,
       date_trunc('day', to_timestamp(registrationdate // 1000)::TIMESTAMP) AS d
FROM customer_landing

-- query: date_format
SELECT email, date_format(from_unixtime(registrationdate / 1000), '%Y-%m-%d %H:%i:%s') AS reg
FROM customer_landing
-- duckdb:
SELECT email, strftime(to_timestamp(registrationdate // 1000)::TIMESTAMP, '%Y-%m-%d %H:%M:%S') AS reg
FROM customer_landing

-- query: current_timestamp_is_recent
SELECT current_timestamp > TIMESTAMP '2020-01-01 00:00:00' AS after_2020

-- query: timestamp_literal_comparison
SELECT count(*) AS n FROM step_trainer_landing
WHERE from_unixtime(sensorreadingtime / 1000) < TIMESTAMP '2022-06-18 14:55:00'
-- duckdb:
SELECT count(*) AS n FROM step_trainer_landing
WHERE to_timestamp(sensorreadingtime // 1000)::TIMESTAMP < TIMESTAMP '2022-06-18 14:55:00'

-- query: select_without_from
SELECT 1 + 2 AS three, 'x' AS s, 7 / 2 AS half, NULL AS nothing, true AND false AS f
-- duckdb:
SELECT 1 + 2 AS three, 'x' AS s, 7 // 2 AS half, NULL AS nothing, true AND false AS f

-- query: boolean_expressions_in_select
SELECT email, sharewithresearchasofdate IS NULL AS no_research,
       registrationdate < lastupdatedate OR sharewithfriendsasofdate IS NULL AS flag
FROM customer_landing

-- query: distinct_with_order_and_limit
SELECT DISTINCT distancefromobject FROM step_trainer_landing ORDER BY distancefromobject DESC LIMIT 5

-- query: nested_subqueries
SELECT email FROM customer_landing
WHERE serialnumber IN (
  SELECT serialnumber FROM step_trainer_landing
  WHERE distancefromobject = (SELECT max(distancefromobject) FROM step_trainer_landing))

-- query: in_subquery_on_group
SELECT a.user, count(*) AS n FROM accelerometer_landing a
WHERE a.user IN (SELECT email FROM customer_landing WHERE customername LIKE '%a%')
GROUP BY a.user HAVING count(*) > 80
-- duckdb:
SELECT a."user", count(*) AS n FROM accelerometer_landing a
WHERE a."user" IN (SELECT email FROM customer_landing WHERE customername LIKE '%a%')
GROUP BY a."user" HAVING count(*) > 80

-- query: join_then_aggregate
SELECT c.customername, count(*) AS readings, avg(s.distancefromobject) AS mean_distance
FROM customer_landing c JOIN step_trainer_landing s ON s.serialnumber = c.serialnumber
GROUP BY c.customername

-- query: quarantine_is_empty
SELECT count(*) AS n FROM quarantine

-- query: customer_trusted_matches_rule
SELECT * FROM customer_trusted
-- duckdb:
SELECT * FROM customer_landing WHERE sharewithresearchasofdate IS NOT NULL

-- query: accelerometer_trusted_rows
SELECT a.user, a.timestamp, a.x, a.y, a.z FROM accelerometer_trusted a
-- duckdb:
SELECT a."user", a."timestamp", a.x, a.y, a.z FROM accelerometer_landing a
WHERE a."user" IN (SELECT email FROM customer_landing WHERE sharewithresearchasofdate IS NOT NULL)

-- query: customer_curated_counts
SELECT count(*) AS n, count(DISTINCT email) AS emails FROM customer_curated

-- query: curated_join_trusted
SELECT c.email, count(*) AS n
FROM customer_curated c JOIN step_trainer_trusted s ON s.serialnumber = c.serialnumber
GROUP BY c.email

-- query: machine_learning_curated_summary
SELECT serialnumber, count(*) AS n, sum(x) AS sx, min(sensorreadingtime) AS first
FROM machine_learning_curated GROUP BY serialnumber
