-- Step-trainer readings of the devices that belong to curated customers.
SELECT s.sensorreadingtime, s.serialnumber, s.distancefromobject
FROM step_trainer_landing s
WHERE s.serialnumber IN (SELECT c.serialnumber FROM customer_curated c)
