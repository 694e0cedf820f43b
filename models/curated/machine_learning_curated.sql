-- Each step-trainer reading with the accelerometer readings taken at the same time by the
-- same customer: the device's owner is the phone's user (the original lake joined on the
-- timestamp alone and so paired one customer's steps with another's phone).
-- The phone readings come first: a join holds its right-hand table in memory, and the
-- step-trainer readings are the smaller one (at 100M readings they fit the default memory
-- budget, where the phone readings would spill to disk).
SELECT s.sensorreadingtime, s.serialnumber, s.distancefromobject, a.user, a.x, a.y, a.z
FROM accelerometer_trusted a
JOIN customer_curated c ON c.email = a.user
JOIN step_trainer_trusted s ON s.serialnumber = c.serialnumber AND s.sensorreadingtime = a.timestamp
