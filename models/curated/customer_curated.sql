-- Consenting customers who have at least one trusted accelerometer reading.
SELECT c.*
FROM customer_trusted c
WHERE EXISTS (SELECT 1 FROM accelerometer_trusted a WHERE a.user = c.email)
