-- rubric: the original lake's join, on the timestamp alone. Where several devices share a
-- timestamp it pairs one customer's steps with another customer's phone (kept to compare).
SELECT s.sensorreadingtime, s.serialnumber, s.distancefromobject, a.user, a.x, a.y, a.z
FROM step_trainer_trusted s
JOIN accelerometer_trusted a ON s.sensorreadingtime = a.timestamp
