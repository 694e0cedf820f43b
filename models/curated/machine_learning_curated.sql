-- Each step-trainer reading with the accelerometer readings taken at the same time by the
-- same customer: the device's owner is the phone's user (the original lake joined on the
-- timestamp alone and so paired one customer's steps with another's phone).
SELECT s.sensorreadingtime, s.serialnumber, s.distancefromobject, a.user, a.x, a.y, a.z
FROM step_trainer_trusted s
JOIN customer_curated c ON c.serialnumber = s.serialnumber
JOIN accelerometer_trusted a ON a.user = c.email AND a.timestamp = s.sensorreadingtime
