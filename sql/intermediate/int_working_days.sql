-- The working-day calendar of the whole platform (core/workdays.py; spec/signals.md, "Working days"): one row
-- per day from 1990 to the end of the year after the as-of date. working_index = the number of working days
-- up to and including the day (a day off shares the index of the working day before it), so the n-th
-- working day after a day d is the working day whose index is d's + n; on_or_next_working_day = the day
-- itself when it is a working day, else the first working day after it (Civil Code 2015, Art. 148(5)).
SELECT day, weekday_vi, working_day, reason_vi, source,
       count(*) FILTER (WHERE working_day) OVER (ORDER BY day) AS working_index,
       min(day) FILTER (WHERE working_day) OVER (ORDER BY day ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
           AS on_or_next_working_day
FROM calendar_days
