-- since-consent: curated customers' step-trainer readings at or after their research consent.
SELECT s.sensorreadingtime, s.serialnumber, s.distancefromobject
FROM step_trainer_landing s
JOIN customer_curated c ON c.serialnumber = s.serialnumber
WHERE s.sensorreadingtime >= c.sharewithresearchasofdate
