"""The tests that take about 0.1 s of CPU or more each, longest first: they carry the `slow`
marker (tests/conftest.py adds it), so `python -m pytest -m "not slow"` is the inner loop.

By test function name, not node id, so a test keeps its mark when its file is split or moved;
every parametrized case of a name is slow. The order is the order they start in, ahead of the
rest: with xdist's worksteal the long ones begin at once and the short ones fill the other
worker, instead of a 30 s test starting last and ending the run alone. A name here that no test
has any more fails the collection of the whole suite (rename it here too).

Figures: CPU seconds per case (the worker's own and its child processes'), measured on the
2-core machine (2026-12-02): first a whole run under load (from 0.15 s there), then a quieter
run of -m "not slow" (from 0.1 s there). Tests already marked in their own
file (pytestmark or a decorator) are listed for their place in the order.
"""
from __future__ import annotations

SLOW: tuple[str, ...] = (
    # booking/test_crash_safety.py: 1 x 32.79 s, marked in its file
    "test_a_writer_killed_at_random_moments_never_loses_or_half_writes_a_booking",
    # ui/test_geometry.py: 9 x 10.98 s, marked in its file
    "test_every_window_and_dialog_fits_the_screen_in_both_languages",
    "test_every_command_answers_any_arguments_with_json_and_exit_0_1_or_2",  # booking/test_properties.py: 1 x 18.34 s
    "test_a_room_purpose_is_stored_and_shown_verbatim",  # booking/test_properties.py: 1 x 8.54 s
    # ui/test_language_switch.py: 1 x 5.47 s
    "test_switching_twice_after_every_dialog_was_opened_and_closed_logs_nothing",
    "test_two_thousand_random_passes_decode_at_screen_size",  # ui/passes/test_passimage.py: 1 x 9.39 s
    # ui/office/test_office_walkthrough.py: 1 x 3.59 s
    "test_an_admin_closes_a_room_once_and_weekly_and_sees_the_bookings_it_meets",
    # booking/test_campaign.py: 2 x 4.42 s, marked in its file
    "test_a_claimed_admin_name_never_acts_as_the_admin_through_any_command",
    # booking/test_campaign.py: 4 x 2.83 s, marked in its file
    "test_every_command_refuses_a_file_that_is_not_a_good_store_and_changes_no_byte",
    # booking/test_properties.py: 1 x 2.01 s
    "test_a_damaged_pass_is_never_taken_for_another_and_only_the_true_digits_pass",
    # booking/test_properties.py: 42 x 0.71 s
    "test_every_numeric_and_date_option_answers_odd_digits_and_far_years_with_exit_0_1_or_2",
    # booking/store/test_store_safety.py: 1 x 2.26 s
    "test_every_booking_confirmed_during_a_restore_is_in_the_store_or_the_kept_aside_file",
    # booking/ops/test_server_backup.py: 1 x 7.8 s, 1 x 6.2 s, 1 x 5.1 s (wall, on the server)
    "test_every_booking_confirmed_during_a_server_restore_is_on_the_server_or_in_the_kept_aside_file",
    "test_a_restore_whose_connection_is_killed_midway_leaves_the_server_unchanged",
    "test_only_the_owner_may_restore_and_the_desks_role_changes_nothing",
    "test_a_row_the_server_refuses_stops_the_restore_and_leaves_the_server_unchanged",
    "test_a_desk_whose_server_store_was_restored_underneath_it_is_told_and_saves_nothing",
    "test_a_backup_restored_onto_another_server_database_round_trips",
    "test_a_bad_backup_file_is_refused_with_a_clear_message_and_the_server_is_unchanged",
    "test_a_backup_of_the_server_store_is_a_sqlite_store_with_everything",
    "test_a_compounds_backup_and_restore_are_its_own_and_hold_its_write_lock_not_the_others",
    "test_the_daily_backup_of_a_server_store_has_names_of_its_own_beside_the_store_files",
    "test_a_server_restore_tells_each_stage_and_table_in_order_and_replaces_nothing_before_its_check",
    "test_a_restore_stopped_midway_by_its_progress_leaves_the_server_unchanged",
    "test_a_server_backup_tells_each_table_as_it_is_written_then_as_it_is_checked",
    # ui/app/test_server_daily_backup.py: real windows on the server
    "test_the_owners_window_takes_the_daily_server_backup_on_its_own_connection_and_keeps_14",
    "test_a_desk_signed_in_with_the_desks_role_leaves_the_daily_backup_to_the_owners",
    "test_backup_and_restore_in_the_window_work_on_a_server_store_and_the_board_follows",
    "test_file_backup_and_restore_in_the_menu_run_on_a_worker_on_a_server_store",
    "test_the_restores_progress_dialog_says_each_stage_and_table_and_its_bar_moves_on",
    "test_the_program_help_and_every_command_help_format",  # booking/cli/test_cli.py: 1 x 2.84 s
    "test_a_scan_of_any_text_never_raises_and_refuses_what_is_not_a_pass",  # booking/test_properties.py: 1 x 1.35 s
    # booking/test_concurrency.py: 1 x 7.01 s, marked in its file
    "test_headless_commands_and_a_busy_desk_writing_at_once_never_double_book",
    # ui/reports/test_printing.py: 2 x 1.91 s
    "test_a_full_day_on_a_1200_dpi_printer_has_the_same_pages_and_none_blank",
    # ui/app/test_app_exit.py: 1 x 2.80 s, marked in its file
    "test_the_window_exits_0_with_thousands_of_bookings_shown",
    # ui/bookings/test_dialog_properties.py: 1 x 1.77 s
    "test_the_booking_dialog_takes_any_text_and_answers_beside_the_fields",
    "test_the_windowed_program_runs_a_command_and_writes_its_result_to_the_tasks_log",  # test_windows.py: 1 x 0.82 s
    "test_the_drawing_commands_answer_any_arguments_with_json_and_exit_0_1_or_2",  # ui/test_hostile_ui.py: 1 x 1.49 s
    "test_the_pass_text_alone_loads_no_qt",  # ui/passes/test_pass_command.py: 1 x 1.05 s
    # ui/office/test_office_commands.py: 33 x 0.56 s
    "test_a_clerk_finds_each_admin_commands_place_greyed_with_the_reason",
    "test_a_progress_that_answers_nothing_runs_to_the_end",  # booking/ops/test_demo_cancel.py: 1 x 1.94 s
    # booking/gatehouse/test_gates.py: 1 x 2.06 s
    "test_any_json_a_vzenith_camera_might_send_is_read_or_refused_as_bad",
    # booking/test_concurrency.py: 1 x 2.04 s, marked in its file
    "test_eight_desks_racing_for_the_same_spaces_never_double_book",
    "test_eight_desks_racing_for_one_households_quota_book_exactly_the_quota",
    "test_every_booked_space_and_plate_of_the_day_is_in_the_pdf",  # ui/reports/test_printing.py: 1 x 1.83 s
    # booking/people/test_imports.py: 1 x 1.66 s
    "test_a_hundred_thousand_wrong_rows_give_a_message_each_and_write_nothing",
    "test_ledger_totals_equal_the_sum_of_the_entries",  # booking/money/test_ledger.py: 1 x 1.96 s
    "test_a_file_that_is_not_a_store_is_refused_with_exit_1",  # ui/app/test_app_exit.py: 1 x 1.56 s, marked in its file
    "test_the_window_opens_on_a_server_store_named_by_linli_db",  # ui/app/test_app_exit.py: marked in its file
    "test_copying_the_store_in_the_window_does_what_copy_store_does",  # ui/office/test_office_commands.py: 0.79 s
    "test_the_window_opens_and_exits_0_on_a_fresh_store",  # ui/app/test_app_exit.py: 1 x 1.50 s, marked in its file
    "test_a_pass_typed_by_hand_into_the_scan_field_still_scans",  # ui/passes/test_scan_anywhere.py: 1 x 0.38 s
    "test_clean_scan_never_raises",  # booking/checkin/test_passcode.py: 1 x 1.38 s
    # booking/test_concurrency.py: 1 x 1.28 s, marked in its file
    "test_two_desks_booking_the_same_slot_at_the_same_moment_exactly_one_wins_each_time",
    "test_the_window_keeps_answering_while_a_big_file_is_imported",  # ui/office/test_import_ui.py: 1 x 1.89 s
    "test_no_word_of_a_full_sheet_is_smaller_than_9_pt",  # ui/reports/test_printing.py: 2 x 1.00 s
    "test_the_book_command_on_a_full_disk_exits_1_says_so_and_changes_nothing",  # booking/test_hostile.py: 1 x 1.52 s
    "test_the_sweep_skips_finished_history",  # booking/checkin/test_sweep.py: 1 x 1.36 s
    # ui/office/test_office_walkthrough.py: 1 x 0.75 s
    "test_an_admin_adds_renames_describes_and_disables_spaces_and_rooms",
    "test_every_save_dialog_in_the_program_starts_in_a_chosen_folder",  # ui/test_windows_ui.py: 1 x 0.77 s
    # booking/test_security.py: 1 x 1.05 s
    "test_a_campaign_of_20000_forged_altered_foreign_and_replayed_passes_gets_none_accepted",
    # booking/test_concurrency.py: 1 x 1.06 s, marked in its file
    "test_a_scan_and_a_cancellation_at_the_same_moment_leave_one_consistent_outcome",
    "test_the_drawing_commands_that_draw_nothing_load_no_qt",  # test_layering.py: 1 x 1.10 s
    "test_the_sheet_as_data_loads_no_qt",  # ui/reports/test_printing.py: 1 x 0.90 s
    # booking/test_properties.py: 1 x 0.49 s
    "test_a_resident_name_is_stored_and_found_verbatim_or_refused_beside_the_field",
    "test_chinese_output_through_a_code_page_is_utf8",  # test_windows.py: 2 x 0.77 s
    # ui/passes/test_scan_anywhere.py: 1 x 0.39 s
    "test_a_pass_scanned_into_an_open_dialog_is_answered_and_never_left_as_digits",
    "test_the_self_test_command_exits_0_from_source",  # test_build.py: 1 x 0.99 s
    "test_no_reissue_is_recorded_after_the_booking_stopped_taking_passes",  # booking/test_state_races.py: 2 x 1.19 s
    "test_digits_typed_by_hand_into_the_find_box_stay_there",  # ui/passes/test_scan_anywhere.py: 1 x 0.31 s
    "test_any_fields_in_a_hikvision_event_are_read_or_refused_as_bad",  # booking/gatehouse/test_gates.py: 1 x 0.88 s
    # ui/passes/test_scan_anywhere.py: 1 x 0.36 s
    "test_a_pass_scanned_into_the_find_box_checks_in_and_leaves_the_find_box_as_it_was",
    "test_a_drawing_command_with_no_chinese_font_refuses_and_writes_nothing",  # test_windows.py: 4 x 0.95 s
    "test_a_big_file_is_imported_in_one_go",  # booking/people/test_imports.py: 10,000 rows, 0.6 s (1.4 s on the server)
    "test_every_well_formed_plate_is_accepted_unchanged",  # booking/store/test_validation.py: 1 x 0.59 s
    "test_the_png_and_the_slip_cannot_be_the_same_file",  # ui/passes/test_pass_command.py: 1 x 0.39 s
    "test_a_store_that_is_not_a_database_exits_1_and_is_untouched",  # booking/cli/test_cli.py: 1 x 0.83 s
    "test_answering_false_stops_the_demo_after_the_chunk_being_written",  # booking/ops/test_demo_cancel.py: 1 x 0.91 s
    # ui/office/test_office_walkthrough.py: 1 x 0.43 s
    "test_an_admin_changes_a_tariff_after_previewing_a_sample_night",
    # ui/office/test_office_walkthrough.py: 1 x 0.38 s
    "test_an_admin_changes_the_no_show_rule_and_lifts_a_households_restriction",
    "test_well_formed_plate_typed_messily_gives_itself_back",  # booking/store/test_validation.py: 1 x 0.83 s
    # ui/office/test_office_walkthrough.py: 1 x 0.45 s
    "test_an_admin_sets_up_a_scan_station_and_a_gate_and_removes_one",
    "test_demo_run_twice_on_one_store_answers_both_times",  # booking/test_properties.py: 1 x 0.50 s
    # ui/bookings/test_integration_waitlist.py: 1 x 0.58 s
    "test_the_booking_dialog_offers_the_waitlist_when_every_space_is_taken",
    "test_a_headless_command_that_draws_nothing_loads_no_qt",  # test_layering.py: 1 x 0.81 s
    # ui/test_hostile_ui.py: 1 x 0.35 s
    "test_while_another_program_holds_the_store_saving_and_scanning_say_busy_and_nothing_is_lost",
    "test_a_pass_scanned_while_a_filter_has_the_focus_checks_in",  # ui/passes/test_scan_anywhere.py: 1 x 0.28 s
    # booking/test_properties.py: 1 x 0.50 s
    "test_registering_a_resident_with_any_fields_saves_or_names_the_wrong_field",
    "test_scan_through_a_code_page_prints_its_verdict_after_checking_in",  # test_windows.py: 2 x 0.75 s
    # booking/cli/test_json_unchanged.py: 1 x 0.65 s
    "test_the_typed_results_print_the_json_they_printed_as_dicts",
    "test_importing_every_booking_module_loads_no_qt",  # test_layering.py: 1 x 0.60 s
    # ui/office/test_office_screens.py: 1 x 0.30 s
    "test_a_rooms_capacity_and_area_are_in_the_list_and_sort_as_numbers",
    # ui/office/test_office_walkthrough.py: 1 x 0.34 s
    "test_an_admin_retires_the_pass_key_knowing_that_printed_passes_stop_working",
    "test_importing_the_cli_package_alone_gives_every_command_and_loads_no_ui",  # booking/cli/test_table.py: 1 x 0.66 s
    "test_demo_fills_a_store",  # booking/cli/test_cli.py: 1 x 0.46 s
    "test_cancel_during_the_import_leaves_the_store_as_it_was",  # ui/office/test_import_ui.py: 1 x 0.80 s
    "test_the_self_test_names_the_missing_font_in_its_qt_step",  # test_windows.py: 1 x 0.89 s
    # ui/office/test_office_screens.py: 1 x 0.17 s
    "test_a_closure_that_would_hit_bookings_asks_first_and_no_saves_nothing",
    "test_only_the_clock_and_the_edges_read_the_wall_clock",  # booking/test_one_clock.py: 1 x 1.05 s
    # ui/app/test_backups.py: 2 x 0.28 s
    "test_the_window_opens_on_a_store_damaged_beyond_its_first_reads_then_says_so_and_saves_nothing",
    "test_csv_and_excel_hold_the_same_rows",  # booking/reporting/test_reports.py: 1 x 0.72 s
    "test_the_png_and_the_slip_are_written_and_decode_to_the_payload",  # ui/passes/test_pass_command.py: 1 x 0.27 s
    "test_scanning_forgeries_records_each_refusal_and_changes_no_booking",  # booking/test_security.py: 1 x 0.44 s
    "test_without_json_the_refusal_is_said_on_stderr",  # test_windows.py: 1 x 0.89 s
    # booking/store/test_store_safety.py: 1 x 0.53 s
    "test_store_check_changes_no_byte_and_calls_data_in_the_wal_intact",
    "test_parse_pass_raises_only_desk_errors",  # booking/checkin/test_passcode.py: 1 x 0.63 s
    "test_the_clerks_view_lists_what_clerk_list_answers",  # ui/office/test_office_commands.py: 1 x 0.78 s
    "test_cancelled_demo_data_keeps_whole_chunks_only",  # ui/office/test_import_ui.py: 1 x 0.88 s
    # booking/ops/test_startup_check.py: 1 x 0.52 s
    "test_the_quick_start_check_changes_no_byte_beside_a_wal_that_holds_data",
    "test_after_a_hand_over_to_a_clerk_the_admin_entries_and_restore_are_disabled",  # ui/test_hostile_ui.py: 1 x 0.39 s
    "test_demo_data_needs_the_tick_then_runs_with_progress_and_announces",  # ui/office/test_import_ui.py: 1 x 0.78 s
    "test_a_real_program_survives_an_error_in_a_slot_and_logs_it",  # ui/app/test_errors.py: 1 x 0.34 s
    # booking/people/test_imports.py: 1 x 0.27 s
    "test_any_file_gives_a_report_or_a_desk_error_and_a_check_never_writes",
    "test_a_weekly_closure_is_built_from_chosen_days_not_typed",  # ui/office/test_office_screens.py: 1 x 0.15 s
    "test_shift_report_per_clerk",  # booking/cli/test_fee_commands.py: 1 x 0.48 s
    "test_waitlist_add_process_accept",  # booking/cli/test_fee_commands.py: 1 x 0.58 s
    # ui/office/test_office_walkthrough.py: 1 x 0.37 s
    "test_an_admin_enters_the_holidays_of_a_year_the_package_does_not_know",
    "test_a_password_set_in_the_window_signs_in_as_clerk_passwd_does",  # ui/office/test_office_commands.py: 1 x 0.80 s
    "test_a_clerk_gets_no_rule_override_in_the_booking_dialog",  # ui/test_hostile_ui.py: 1 x 0.34 s
    # ui/office/test_office_commands.py: 1 x 0.71 s
    "test_disabling_and_enabling_a_clerk_in_the_window_does_what_the_commands_do",
    "test_a_short_number_typed_fast_is_given_back_in_order",  # ui/passes/test_scan_anywhere.py: 1 x 0.24 s
    # ui/office/test_office_walkthrough.py: 1 x 0.24 s
    "test_an_admin_sets_the_time_bank_rate_and_the_waitlist_offer_time_in_their_units",
    "test_the_resources_list_is_filtered_and_sorted",  # ui/office/test_office_screens.py: 1 x 0.24 s
    "test_a_window_with_a_fixed_clock_ahead_never_sweeps_real_bookings_as_no_shows",  # ui/test_trust_ui.py: 1 x 0.27 s
    "test_the_window_does_what_the_command_does",  # ui/office/test_office_commands.py: 29 x 0.40 s
    "test_a_clerk_signed_in_changes_their_own_password",  # booking/cli/test_trust.py: 1 x 0.37 s
    "test_saving_a_tariff_asks_first_and_no_changes_nothing",  # ui/office/test_office_screens.py: 1 x 0.19 s
    "test_refund_of_an_amount_with_a_reason",  # booking/cli/test_fee_commands.py: 1 x 0.43 s
    "test_a_closure_that_hits_nothing_is_saved_without_a_question",  # ui/office/test_office_screens.py: 1 x 0.17 s
    # ui/office/test_office_screens.py: 1 x 0.16 s
    "test_a_closure_that_ends_before_it_starts_is_refused_next_to_the_end",
    # ui/reports/test_integration_reports.py: 1 x 0.27 s
    "test_cancelling_the_progress_dialog_stops_the_export_and_keeps_no_file",
    "test_the_calendar_says_plainly_when_it_has_no_schedule_for_a_year",  # ui/office/test_office_screens.py: 1 x 0.19 s
    "test_clerk_commands_add_list_and_change_a_password",  # booking/people/test_clerks.py: 1 x 0.45 s
    "test_the_heatmap_dialog_opens_from_the_reports_menu",  # ui/reports/test_integration_reports.py: 1 x 0.32 s
    "test_the_log_rotates_at_one_megabyte_keeping_five",  # booking/store/test_logs.py: 1 x 0.36 s
    "test_a_well_formed_pass_with_made_up_digits_does_not_verify",  # booking/checkin/test_passcode.py: 1 x 0.42 s
    "test_a_form_opens_with_the_keyboard_in_its_first_field",  # ui/office/test_office_screens.py: 3 x 0.16 s
    # ui/office/test_office_screens.py: 1 x 0.20 s
    "test_the_tariff_form_previews_a_sample_bookings_charge_before_saving",
    # ui/bookings/test_integration_waitlist.py: 1 x 0.34 s
    "test_the_waitlist_view_books_an_accepted_offer_and_shows_its_pass",
    "test_a_bad_band_rate_is_shown_next_to_the_bands",  # ui/office/test_office_screens.py: 1 x 0.18 s
    "test_a_closure_without_a_reason_is_refused_next_to_the_reason",  # ui/office/test_office_screens.py: 1 x 0.16 s
    # ui/bookings/test_integration_waitlist.py: 1 x 0.34 s
    "test_joining_from_the_booking_dialog_puts_the_household_on_the_waitlist",
    "test_the_sheet_command_writes_the_pdf",  # ui/reports/test_printing.py: 1 x 0.25 s
    "test_a_no_show_frees_its_space_for_the_next_booking",  # booking/cli/test_cli.py: 1 x 0.45 s
    "test_reissue_asks_first_then_shows_the_new_pass",  # ui/app/test_mainwindow.py: 1 x 0.25 s
    "test_the_waitlist_is_not_offered_while_a_space_is_free",  # ui/bookings/test_integration_waitlist.py: 1 x 0.28 s
    "test_a_pass_changed_anywhere_is_never_accepted",  # booking/checkin/test_scanning.py: 1 x 0.39 s
    # ui/bookings/test_integration_waitlist.py: 1 x 0.31 s
    "test_a_cancellation_is_offered_on_the_minute_and_the_status_bar_says_whom_to_call",
    "test_once_the_disk_has_room_again_the_same_dialog_saves",  # ui/test_hostile_ui.py: 1 x 0.30 s
    # ui/reports/test_integration_reports.py: 1 x 0.21 s
    "test_the_monthly_summary_opens_from_the_menu_and_reads_as_a_page",
    "test_a_window_with_a_fixed_clock_behind_still_sweeps_by_that_clock",  # ui/test_trust_ui.py: 1 x 0.21 s
    # booking/money/test_fees.py: 1 x 0.44 s
    "test_a_charge_is_its_lines_never_negative_and_never_less_for_a_longer_stay",
    "test_manual_command_checks_in_by_hand_and_needs_a_reason",  # booking/cli/test_scan_commands.py: 1 x 0.37 s
    # booking/store/test_store_safety.py: 1 x 0.35 s
    "test_a_backup_killed_midway_leaves_leftovers_the_next_start_removes",
    "test_every_pass_fits_a_version_2_code_at_level_q",  # ui/passes/test_passimage.py: 1 x 0.17 s
    "test_without_a_camera_the_banner_says_so_and_the_scanner_still_works",  # ui/passes/test_station.py: 1 x 0.15 s
    "test_a_remembered_geometry_that_no_longer_fits_is_brought_back",  # ui/test_geometry.py: 1 x 0.22 s
    "test_a_real_clock_leaves_no_fixed_clock_note",  # booking/cli/test_trust.py: 1 x 0.27 s
    "test_every_command_writes_its_result_to_the_log",  # booking/store/test_logs.py: 1 x 0.29 s
    "test_progress_counts_up_to_the_rows_of_every_file",  # booking/reporting/test_export_progress.py: 1 x 0.27 s
    # ui/test_hostile_ui.py: 1 x 0.16 s
    "test_the_minutes_sweep_gives_a_lock_only_a_moment_and_keeps_the_desks_patience",
    "test_pay_refuses_a_bad_amount_next_to_the_field",  # booking/cli/test_fee_commands.py: 4 x 0.19 s
    # booking/gatehouse/test_gates.py: 1 x 0.33 s
    "test_any_bytes_a_hikvision_camera_might_send_are_read_or_refused_as_bad",
    # ui/passes/test_slip.py: 1 x 0.21 s
    "test_a_long_purpose_still_leaves_the_code_readable_and_the_footer_on_the_page",
    "test_a_password_given_on_the_command_line_reaches_no_file",  # booking/test_security.py: 1 x 0.21 s
    "test_a_printer_gets_the_same_pages_as_the_pdf",  # ui/reports/test_printing.py: 1 x 0.18 s
    "test_a_signed_in_clerk_cannot_replace_the_admins_password",  # booking/cli/test_trust.py: 1 x 0.31 s
    # booking/people/test_imports.py: 1 x 0.16 s
    "test_an_import_with_skipping_writes_only_valid_rows_and_never_crashes",
    # ui/test_hostile_ui.py: 1 x 0.24 s
    "test_on_a_full_disk_the_booking_dialog_says_so_beside_the_field_and_stays_open",
    "test_ctrl_p_previews_the_sheet_of_the_day_on_the_board",  # ui/app/test_mainwindow.py: 1 x 0.30 s
    # ui/money/test_integration_fees.py: 1 x 0.26 s
    "test_the_shift_report_from_the_menu_shows_the_payment_and_the_cash_to_hand_over",
    "test_an_admins_fixed_clock_ahead_marks_no_real_booking_a_no_show",  # booking/cli/test_trust.py: 1 x 0.15 s
    "test_the_receipt_opens_after_payment_and_saves_as_a_pdf",  # ui/money/test_integration_fees.py: 1 x 0.32 s
    "test_gate_events_answers_in_the_language_asked_for",  # booking/gatehouse/test_gate_language.py: 2 x 0.17 s
    "test_a_clerks_fixed_clock_is_refused_and_nothing_is_booked",  # booking/cli/test_trust.py: 1 x 0.26 s
    "test_a_new_time_moves_the_default_to_a_space_free_then",  # ui/bookings/test_booking_defaults.py: 1 x 0.26 s
    # booking/cli/test_trust.py: 1 x 0.31 s
    "test_a_claimed_admin_name_without_a_password_cannot_replace_the_admins_password",
    "test_an_overnight_booking_is_on_both_days_sheets",  # ui/reports/test_printing.py: 1 x 0.32 s
    "test_a_signed_in_command_is_logged_with_the_proven_name",  # booking/cli/test_trust.py: 1 x 0.27 s
    "test_once_accounts_exist_a_command_without_sign_in_acts_as_a_clerk",  # booking/cli/test_cli.py: 1 x 0.33 s
    "test_adding_a_clerk_in_the_window_does_what_clerk_add_does",  # ui/office/test_office_commands.py: 1 x 0.49 s
    "test_a_cameras_fields_are_open_only_for_a_gate_that_uses_them",  # ui/office/test_office_screens.py: 1 x 0.15 s
    "test_backup_and_restore_are_in_the_file_menu_above_quit",  # ui/app/test_backups.py: 1 x 0.18 s
    # ui/test_hostile_ui.py: 1 x 0.30 s
    "test_a_read_only_store_opens_in_the_window_shows_the_day_and_refuses_a_save_in_words",
    "test_an_admin_sets_anyones_password_without_the_old_one",  # booking/people/test_clerks.py: 1 x 0.21 s
    "test_the_slip_rasterised_at_150_dpi_decodes_to_the_pass",  # ui/passes/test_slip.py: 1 x 0.19 s
    "test_backup_daily_command_writes_into_the_app_data_backups_folder",  # booking/ops/test_backup.py: 1 x 0.32 s
    "test_a_repeating_booking_skips_the_clashing_date",  # ui/app/test_mainwindow.py: 1 x 0.27 s
    "test_free_for_a_window",  # booking/cli/test_cli.py: 1 x 0.38 s
    "test_scan_without_text_is_wrong_usage",  # booking/cli/test_scan_commands.py: 1 x 0.25 s
    "test_a_second_program_on_the_same_store_is_refused",  # ui/app/test_instance.py: 1 x 0.24 s
    "test_a_booked_plate_opens_the_entry_and_checks_in",  # booking/gatehouse/test_gates.py: 1 x 0.15 s
    "test_the_preview_has_a_labelled_save_as_pdf_button",  # ui/reports/test_printing.py: 1 x 0.23 s
    "test_random_digits_of_pass_length_are_never_accepted",  # booking/checkin/test_scanning.py: 1 x 0.22 s
    "test_a_taken_room_is_waited_for_itself",  # ui/bookings/test_integration_waitlist.py: 1 x 0.27 s
    "test_a_walk_in_is_booked_with_the_keyboard_only",  # ui/app/test_mainwindow.py: 1 x 0.27 s
    "test_ctrl_p_inside_the_preview_opens_the_print_dialog",  # ui/reports/test_printing.py: 1 x 0.19 s
    # ui/app/test_backups.py: 1 x 0.32 s
    "test_the_clerk_at_the_window_takes_the_offered_backup_and_the_desk_saves_again",
    "test_an_admins_fixed_clock_is_noted_in_the_audit_entry",  # booking/cli/test_trust.py: 1 x 0.25 s
    "test_a_clerk_cannot_change_rules",  # booking/people/test_clerks.py: 1 x 0.15 s
    "test_ledger_gives_the_month_and_the_welfare_fund",  # booking/cli/test_fee_commands.py: 1 x 0.18 s
    "test_a_payment_taken_from_the_details_dialog_is_in_the_ledger",  # ui/money/test_integration_fees.py: 1 x 0.30 s
    # ui/test_hostile_ui.py: 1 x 0.18 s
    "test_on_a_full_disk_a_scan_shows_the_problem_in_the_banner_and_the_field_stays_ready",
    # booking/cli/test_trust.py: 1 x 0.20 s
    "test_an_unsigned_command_is_logged_as_an_anonymous_clerk_not_the_name_it_claims",
    "test_an_unsigned_fixed_clock_is_refused_too",  # booking/cli/test_trust.py: 1 x 0.20 s
    "test_the_window_shows_the_gates_and_books_a_visitor_from_them",  # ui/gates/test_gates_ui.py: 1 x 0.25 s
    "test_a_wrong_password_is_refused_without_saying_which_part_was_wrong",  # booking/people/test_clerks.py: 1 x 0.25 s
    "test_the_right_password_signs_in_with_the_role",  # booking/people/test_clerks.py: 1 x 0.20 s
    "test_let_in_and_events_are_commands_too",  # booking/gatehouse/test_gates.py: 1 x 0.15 s
    "test_verify_never_raises_and_never_accepts_random_text",  # booking/checkin/test_scanning.py: 1 x 0.23 s
    "test_an_overnight_booking_is_not_on_the_day_after",  # ui/reports/test_printing.py: 1 x 0.18 s
    "test_the_page_is_a4_landscape",  # ui/reports/test_printing.py: 1 x 0.15 s
    "test_a_disabled_account_cannot_sign_in",  # booking/people/test_clerks.py: 1 x 0.18 s
    "test_a_station_for_rooms_refuses_a_parking_pass",  # booking/cli/test_scan_commands.py: 1 x 0.18 s
    # ui/money/test_integration_fees.py: 1 x 0.23 s
    "test_a_cancelled_booking_is_refunded_by_the_rules_after_confirming",
    "test_a_clerk_can_change_only_their_own_password",  # booking/people/test_clerks.py: 1 x 0.27 s
    "test_ledger_closes_a_month_and_then_refuses_it",  # booking/cli/test_fee_commands.py: 1 x 0.19 s
    "test_a_made_pass_parses_back_to_its_fields_and_verifies",  # booking/checkin/test_passcode.py: 1 x 0.21 s
    # booking/checkin/test_pass_identity.py: 1 x 0.23 s
    "test_a_pass_printed_before_a_restore_is_refused_for_the_other_booking_that_reuses_its_id",
    "test_in_dark_mode_the_board_and_the_window_share_one_light_scheme",  # ui/test_windows_ui.py: 1 x 0.16 s
    "test_the_audit_model_is_a_proper_model_that_pages",  # ui/office/test_admin_views.py: 1 x 0.16 s
    "test_geometry_and_view_are_remembered",  # ui/app/test_mainwindow.py: 1 x 0.26 s
    "test_a_check_out_scanned_with_the_clock_set_back_is_refused_in_the_banner",  # ui/test_hostile_ui.py: 1 x 0.20 s
    "test_book_refuses_bad_times",  # booking/cli/test_cli.py: 3 x 0.19 s
    "test_the_new_menus_and_the_charge_follow_a_switch_to_english",  # ui/money/test_integration_fees.py: 1 x 0.23 s
    "test_checking_in_by_hand_asks_a_reason_and_records_it",  # ui/app/test_mainwindow.py: 1 x 0.23 s
    "test_changing_ones_own_password_needs_the_old_one",  # booking/people/test_clerks.py: 1 x 0.23 s
    "test_restriction_show_and_lift",  # booking/cli/test_fee_commands.py: 1 x 0.16 s
    "test_the_export_dialog_opens_from_the_menu",  # ui/reports/test_integration_reports.py: 1 x 0.15 s
    "test_ledger_writes_csv_and_corrects",  # booking/cli/test_fee_commands.py: 1 x 0.18 s
    "test_resources_lists_110_spaces_and_the_rooms",  # booking/cli/test_cli.py: 1 x 0.29 s
    "test_the_board_shows_a_booking_as_soon_as_it_is_saved",  # ui/app/test_mainwindow.py: 1 x 0.24 s
    "test_alt_arrows_change_the_day_and_ctrl_t_comes_back",  # ui/app/test_mainwindow.py: 1 x 0.16 s
    "test_a_clash_from_another_desk_at_save_time_keeps_the_dialog_open",  # ui/app/test_mainwindow.py: 1 x 0.23 s
    "test_checking_in_by_hand_without_a_reason_changes_nothing",  # ui/app/test_mainwindow.py: 1 x 0.20 s
    "test_station_add_refuses_an_unknown_resource_and_the_desk_name",  # booking/cli/test_scan_commands.py: 1 x 0.26 s
    "test_the_proven_admin_is_the_name_in_the_audit_log",  # booking/test_campaign.py: 1 x 0.16 s, marked in its file
    "test_a_clerk_cannot_add_a_space",  # booking/people/test_clerks.py: 1 x 0.15 s
    "test_checks_beside_the_open_window_keep_its_locks",  # booking/store/test_store_safety.py: 1 x 0.19 s
    "test_the_next_sign_in_remembers_the_last_clerk",  # ui/app/test_signin.py: 1 x 0.15 s
    "test_save_as_pdf_writes_the_file_the_clerk_chose",  # ui/reports/test_printing.py: 1 x 0.16 s
    "test_scan_never_raises_and_never_accepts_what_it_did_not_sign",  # booking/checkin/test_scanning.py: 1 x 0.18 s
    "test_a_click_on_a_block_opens_the_booking",  # ui/app/test_mainwindow.py: 1 x 0.20 s
    # ui/app/test_instance.py: 1 x 0.22 s
    "test_a_second_program_grants_the_first_desk_the_foreground_by_its_process_id",
    "test_the_audit_log_names_the_admin_and_keeps_no_password",  # booking/people/test_clerks.py: 1 x 0.15 s
    "test_an_admin_closes_a_finished_month_after_confirming",  # ui/money/test_integration_fees.py: 1 x 0.18 s
    "test_two_accounts_with_one_password_get_different_hashes",  # booking/people/test_clerks.py: 1 x 0.15 s
    "test_refund_by_the_rules_is_only_for_a_cancelled_booking",  # booking/cli/test_fee_commands.py: 1 x 0.18 s
    "test_the_window_follows_the_language",  # ui/app/test_mainwindow.py: 1 x 0.17 s
    "test_the_history_shows_scans",  # ui/app/test_mainwindow.py: 1 x 0.18 s
    "test_the_minute_sweep_marks_no_shows_and_frees_the_space",  # ui/app/test_mainwindow.py: 1 x 0.18 s
    "test_credits_add_redeem_show",  # booking/cli/test_fee_commands.py: 1 x 0.21 s
    "test_cancel_asks_first_and_a_no_keeps_the_booking",  # ui/app/test_mainwindow.py: 1 x 0.19 s
    "test_the_audit_view_shows_the_entries_the_audit_command_answers",  # ui/office/test_office_commands.py: 1 x 0.28 s
    "test_cancel_after_a_yes_cancels_and_the_board_forgets_it",  # ui/app/test_mainwindow.py: 1 x 0.20 s
    "test_a_clerk_signs_in_with_the_clerk_role",  # ui/app/test_signin.py: 1 x 0.16 s
    "test_the_time_bank_adds_hours_and_redeems_them_for_a_booking",  # ui/money/test_integration_fees.py: 1 x 0.19 s
    "test_every_door_in_range_gives_the_canonical_form",  # booking/store/test_validation.py: 1 x 0.15 s
    "test_a_clerk_finds_every_admin_entry_of_the_window_disabled",  # ui/test_hostile_ui.py: 1 x 0.17 s
    "test_the_window_takes_no_backup_of_a_store_its_check_found_damaged",  # ui/app/test_backups.py: 1 x 0.17 s
    "test_resource_add_rename_disable",  # booking/cli/test_cli.py: 1 x 0.16 s
    "test_a_refund_the_admin_does_not_confirm_pays_nothing_back",  # ui/money/test_ledger_gui.py: 1 x 0.22 s
    "test_a_full_day_fits_on_three_pages_with_parking_first",  # ui/reports/test_printing.py: 1 x 0.18 s
    "test_refunding_more_than_was_paid_is_refused_beside_the_amount",  # ui/money/test_ledger_gui.py: 1 x 0.21 s
    "test_a_correction_is_a_new_entry_and_changes_the_statement_totals",  # ui/money/test_ledger_gui.py: 1 x 0.19 s
    "test_every_time_the_desk_stores_comes_from_the_operations_now",  # booking/test_one_clock.py: 1 x 0.23 s
    "test_save_waits_for_a_resident",  # ui/bookings/test_booking_dialog.py: 1 x 0.19 s
    "test_init_is_idempotent",  # booking/cli/test_cli.py: 1 x 0.15 s
    "test_the_statement_is_disabled_for_a_clerk_with_the_reason",  # ui/money/test_integration_fees.py: 1 x 0.15 s
    "test_the_calendar_goes_to_the_chosen_day",  # ui/app/test_mainwindow.py: 1 x 0.19 s
    # ui/money/test_ledger_gui.py: 1 x 0.19 s
    "test_a_partial_refund_with_a_reason_is_a_ledger_entry_and_changes_paid_and_due",
    "test_a_clerk_cannot_refund_a_chosen_amount",  # ui/money/test_ledger_gui.py: 1 x 0.17 s
    "test_a_pass_is_at_most_60_ascii_digits",  # booking/checkin/test_passcode.py: 1 x 0.15 s
    "test_a_refund_without_a_reason_is_refused_beside_the_reason",  # ui/money/test_ledger_gui.py: 1 x 0.18 s
    "test_cancel_then_list_shows_the_status",  # booking/cli/test_cli.py: 1 x 0.15 s
    "test_list_includes_overnight_bookings_on_both_dates",  # booking/cli/test_cli.py: 1 x 0.16 s
    # above about 0.1 s each in a quieter run of -m 'not slow' (load 3):
    "test_no_plate_of_another_day_is_in_the_pdf",  # ui/reports/test_printing.py: 1 x 2.02 s
    "test_credits_refuse_more_hours_than_held",  # booking/cli/test_fee_commands.py: 1 x 0.40 s
    "test_a_csv_export_keeps_formula_like_text_from_being_run",  # booking/test_security.py: 1 x 0.39 s
    "test_a_pass_picture_is_never_written_over_a_backup",  # booking/store/test_store_safety.py: 1 x 0.37 s
    "test_audit_lists_changes_newest_first",  # booking/cli/test_cli.py: 1 x 0.36 s
    "test_key_rotate_keeps_old_passes_and_retire_old_refuses_them",  # booking/cli/test_scan_commands.py: 1 x 0.36 s
    "test_with_no_console_the_password_prompt_refuses_clearly",  # booking/people/test_clerks.py: 1 x 0.30 s
    "test_the_export_command_needs_a_file",  # booking/reporting/test_reports.py: 1 x 0.30 s
    "test_scan_answers_in_english_when_asked",  # booking/cli/test_scan_commands.py: 1 x 0.28 s
    "test_the_month_picture_grows_with_its_rows_and_columns",  # ui/reports/test_heatmap.py: 1 x 0.26 s
    # ui/gates/test_gate_language_ui.py: 1 x 0.26 s
    "test_a_car_refused_live_at_an_english_desk_reads_in_chinese_after_the_switch",
    "test_the_scan_command_with_the_clock_set_back_answers_a_refusal",  # booking/test_hostile.py: 1 x 0.24 s
    "test_book_answers_with_the_booking",  # booking/cli/test_cli.py: 1 x 0.24 s
    "test_new_times_that_clash_are_refused_before_saving",  # ui/app/test_mainwindow.py: 1 x 0.24 s
    "test_the_nearest_free_space_is_one_click_away",  # ui/bookings/test_booking_dialog.py: 1 x 0.24 s
    "test_a_sound_store_runs_what_waited_for_its_check",  # ui/app/test_backups.py: 1 x 0.23 s
    "test_new_times_are_checked_and_saved_in_place",  # ui/app/test_mainwindow.py: 1 x 0.22 s
    "test_a_series_cancel_asks_whether_the_later_ones_go_too",  # ui/app/test_mainwindow.py: 1 x 0.20 s
    "test_a_refused_command_writes_its_exit_code_and_message_to_the_log",  # booking/store/test_logs.py: 1 x 0.18 s
    "test_the_first_window_is_maximised_on_a_small_screen",  # ui/test_geometry.py: 1 x 0.18 s
    "test_a_booking_on_a_full_disk_is_refused_in_chinese",  # booking/test_hostile.py: 1 x 0.18 s
    "test_ctrl_f_puts_the_cursor_in_the_find_box",  # ui/app/test_mainwindow.py: 1 x 0.18 s
    "test_an_excel_export_keeps_formula_like_text_as_text",  # booking/test_security.py: 1 x 0.18 s
    "test_random_digits_of_pass_length_do_not_verify",  # booking/checkin/test_passcode.py: 1 x 0.17 s
    "test_a_balance_never_goes_below_zero",  # booking/money/test_credits.py: 1 x 0.17 s
    "test_the_png_has_the_size_of_the_picture_and_is_not_blank",  # ui/reports/test_heatmap.py: 1 x 0.17 s
    "test_normalizers_return_a_fixed_point_or_refuse_on_any_text",  # booking/store/test_validation.py: 1 x 0.17 s
    "test_the_genuine_passes_of_the_same_campaign_are_accepted",  # booking/test_security.py: 1 x 0.17 s
    "test_f1_lists_the_shortcuts",  # ui/app/test_mainwindow.py: 1 x 0.17 s
    "test_cancelling_leaves_no_file_behind",  # booking/reporting/test_export_progress.py: 1 x 0.17 s
    "test_an_admin_adds_a_clerk_and_mismatched_passwords_are_caught",  # ui/office/test_admin_views.py: 1 x 0.16 s
    # booking/store/test_logs.py: 1 x 0.15 s
    "test_a_rotation_that_cannot_rename_the_open_file_loses_no_line_and_no_older_file",
    "test_the_heatmap_command_writes_the_png",  # ui/reports/test_heatmap.py: 1 x 0.15 s
    "test_a_clerk_cannot_add_clerks",  # booking/people/test_clerks.py: 1 x 0.15 s
    "test_a_clerk_cannot_override_the_rules_when_booking",  # booking/people/test_clerks.py: 1 x 0.15 s
    "test_every_frequent_action_has_its_shortcut_in_the_menus",  # ui/app/test_mainwindow.py: 1 x 0.15 s
    "test_tariff_list_and_set",  # booking/cli/test_fee_commands.py: 1 x 0.14 s
    "test_reissue_gives_a_new_pass_and_the_old_one_stops_working",  # booking/cli/test_scan_commands.py: 1 x 0.14 s
    "test_an_admin_disables_and_enables_a_space",  # ui/office/test_admin_views.py: 1 x 0.14 s
    "test_the_views_follow_the_language",  # ui/office/test_admin_views.py: 1 x 0.14 s
    "test_backup_and_restore_commands_answer_in_json",  # booking/ops/test_backup.py: 1 x 0.14 s
    "test_book_refuses_a_rule_breach",  # booking/cli/test_cli.py: 1 x 0.13 s
    "test_book_with_a_repeat_and_skip_clashes",  # booking/cli/test_cli.py: 1 x 0.13 s
    "test_init_creates_the_store",  # booking/store/test_store_safety.py: 1 x 0.13 s
    # booking/store/test_validation.py: 1 x 0.13 s
    "test_normalizers_return_a_fixed_point_or_refuse_on_near_valid_text",
    "test_a_signed_in_admin_gets_each_admin_command_done",  # booking/test_security.py: 25 x 0.13 s
    "test_a_clerk_is_refused_each_admin_command",  # ui/office/test_office_commands.py: 33 x 0.12 s
    # booking/checkin/test_pass_identity.py: 1 x 0.12 s
    "test_a_copy_of_the_store_keeps_the_passes_of_the_same_bookings_valid",
    "test_book_refuses_an_unknown_resource",  # booking/cli/test_cli.py: 1 x 0.12 s
    "test_pay_refuses_online_payment",  # booking/cli/test_fee_commands.py: 1 x 0.12 s
    "test_the_exit_checks_out_and_settles_the_charge",  # booking/gatehouse/test_gates.py: 1 x 0.12 s
    "test_resident_leave_and_return_commands",  # booking/people/test_resident_edit.py: 1 x 0.12 s
    # booking/store/test_store_safety.py: 1 x 0.12 s
    "test_a_restore_waits_no_longer_than_the_busy_timeout_for_another_programs_write",
    "test_the_preview_paints_the_sheet",  # ui/reports/test_printing.py: 1 x 0.12 s
    "test_a_clash_is_shown_before_saving_naming_the_booking",  # ui/bookings/test_booking_dialog.py: 1 x 0.12 s
    "test_book_refuses_a_clash",  # booking/cli/test_cli.py: 1 x 0.11 s
    "test_a_space_whose_car_is_still_there_is_not_called_free",  # ui/bookings/test_booking_defaults.py: 1 x 0.11 s
    "test_pay_records_the_amount_exactly_and_gives_a_receipt",  # booking/cli/test_fee_commands.py: 1 x 0.11 s
    "test_station_remove",  # booking/cli/test_scan_commands.py: 1 x 0.11 s
    "test_the_password_is_never_in_the_store_file",  # booking/people/test_clerks.py: 1 x 0.11 s
    "test_a_name_merely_claimed_cannot_change_that_accounts_password",  # booking/people/test_clerks.py: 1 x 0.11 s
    "test_an_earlier_per_user_store_is_moved_once",  # booking/store/test_store_safety.py: 1 x 0.11 s
    "test_the_pdf_text_is_the_chinese_that_was_drawn",  # ui/reports/test_printing.py: 1 x 0.11 s
    "test_a_wrong_password_is_refused_and_cleared",  # ui/app/test_signin.py: 1 x 0.11 s
    "test_registering_inline_chooses_the_new_resident",  # ui/bookings/test_booking_dialog.py: 1 x 0.11 s
    "test_the_check_runs_by_itself_shortly_after_a_change",  # ui/bookings/test_booking_dialog.py: 1 x 0.11 s
    "test_sweep_lists_no_shows_and_overstays",  # booking/cli/test_scan_commands.py: 1 x 0.11 s
    "test_no_two_items_of_a_menu_share_an_access_key",  # ui/test_words.py: 2 x 0.11 s
    "test_the_clerks_model_is_a_proper_model",  # ui/office/test_admin_views.py: 1 x 0.11 s
    # booking/checkin/test_pass_identity.py: 1 x 0.10 s
    "test_a_rotation_with_every_key_id_live_is_refused_and_key_1_keeps_its_passes",
    "test_charge_gives_the_estimate_and_what_is_due",  # booking/cli/test_fee_commands.py: 1 x 0.10 s
    "test_charge_can_flag_a_volunteer_teams_booking",  # booking/cli/test_fee_commands.py: 1 x 0.10 s
    "test_waitlist_refuses_when_something_is_free",  # booking/cli/test_fee_commands.py: 1 x 0.10 s
    "test_a_store_from_a_newer_version_is_refused",  # booking/store/test_store.py: 1 x 0.10 s
    "test_a_scan_on_a_full_disk_is_refused_and_the_booking_stays_checked_in",  # booking/test_hostile.py: 1 x 0.10 s
    "test_arrow_keys_move_through_the_results_and_enter_picks",  # ui/bookings/test_booking_dialog.py: 1 x 0.10 s
    "test_a_free_booking_can_be_saved",  # ui/bookings/test_booking_dialog.py: 1 x 0.10 s
    "test_a_clerk_is_refused_the_ledgers_csv_as_the_window_greys_it",  # ui/office/test_office_commands.py: 1 x 0.10 s
    # live refresh (issue 15), wall time mostly waits for another process or the server's retry
    "test_a_booking_by_another_program_on_this_pc_shows_on_the_board",  # ui/app/test_live_refresh.py: 3.5 s
    "test_a_lost_listening_connection_marks_the_store_gone_until_the_server_answers",  # booking/store/test_pg_live.py
    "test_the_windows_own_booking_is_not_read_again_as_another_programs",  # ui/app/test_live_refresh.py: 1.5 s
    "test_the_server_gone_is_said_writes_are_refused_and_the_desk_comes_back",  # ui/app/test_live_refresh.py
    "test_a_booking_at_another_desk_on_the_server_shows_on_the_board",  # ui/app/test_live_refresh.py
    "test_the_board_keeps_its_selection_when_another_desk_writes",  # ui/app/test_live_refresh.py
    "test_while_the_server_is_gone_the_status_bar_says_so",  # ui/app/test_live_refresh.py
    "test_a_write_cut_off_by_the_server_is_refused_whole_and_the_desk_reconnects",  # booking/store/test_pg_live.py
    "test_a_booking_by_another_connection_is_heard_as_bookings_and_residents",  # booking/store/test_watch.py
    # the clerk's place kept across live refresh (issue 15): mostly waits for the next poll
    "test_a_space_renamed_by_another_program_keeps_the_boards_selection",  # ui/app/test_live_refresh.py: 1.1 s
    "test_a_scan_at_another_program_keeps_the_chosen_scan_and_the_scroll",  # ui/app/test_live_refresh.py: 1.1 s
    "test_a_list_at_its_top_shows_the_new_scan",  # ui/app/test_live_refresh.py: 0.7 s
    "test_a_scan_at_another_desk_on_the_server_keeps_the_chosen_scan",  # ui/app/test_live_refresh.py
    "test_the_server_back_keeps_the_boards_selection",  # ui/app/test_live_refresh.py
)
