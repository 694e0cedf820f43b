-- Accelerometer readings of customers who consented to research.
SELECT a.user, a.timestamp, a.x, a.y, a.z
FROM accelerometer_landing a
WHERE a.user IN (SELECT c.email FROM customer_trusted c)
