-- since-consent: a reading counts only at or after the customer's research consent.
SELECT a.user, a.timestamp, a.x, a.y, a.z
FROM accelerometer_landing a
JOIN customer_trusted c ON c.email = a.user
WHERE a.timestamp >= c.sharewithresearchasofdate
