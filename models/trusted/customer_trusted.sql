-- Customers who agreed to share their data for research: a consent date is set.
SELECT *
FROM customer_landing
WHERE sharewithresearchasofdate IS NOT NULL
