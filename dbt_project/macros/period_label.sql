{#- A period identifier as people read it (and LG Inform prints it): fin_2023_24 -> 2023/24,
    q2_2024_25 -> 2024/25 Q2, acad_2017_18 -> 2017/18 (academic), cal_2021 -> 2021, cen_2021 ->
    Census 2021, m04_2024 -> Apr 2024; any other span by its dates. -#}
{% macro period_label(period_id, period_start, period_end) %}
    case
        when regexp_matches({{ period_id }}, '^fin_\d{4}_\d{2}$')
            then regexp_replace({{ period_id }}, '^fin_(\d{4})_(\d{2})$', '\1/\2')
        when regexp_matches({{ period_id }}, '^q[1-4]_\d{4}_\d{2}$')
            then regexp_replace({{ period_id }}, '^q([1-4])_(\d{4})_(\d{2})$', '\2/\3 Q\1')
        when regexp_matches({{ period_id }}, '^acad_\d{4}_\d{2}$')
            then regexp_replace({{ period_id }}, '^acad_(\d{4})_(\d{2})$', '\1/\2 (academic)')
        when regexp_matches({{ period_id }}, '^cal_\d{4}$') then substr({{ period_id }}, 5)
        when regexp_matches({{ period_id }}, '^cen_\d{4}$') then 'Census ' || substr({{ period_id }}, 5)
        when regexp_matches({{ period_id }}, '^m\d{2}_\d{4}$') then strftime({{ period_start }}, '%b %Y')
        else strftime({{ period_start }}, '%d/%m/%Y') || ' to ' || strftime({{ period_end }}, '%d/%m/%Y')
    end
{% endmacro %}
