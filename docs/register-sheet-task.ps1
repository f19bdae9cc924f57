# Registers the 07:00 daily sheet as a Windows scheduled task. Run it once, in PowerShell
# opened with "Run as administrator", from the folder this file is in:
#
#   powershell -ExecutionPolicy Bypass -File .\register-sheet-task.ps1 -Printer "HP LaserJet Pro M404dn"
#
# The task (docs/windows.md, section "The 07:00 sheet", explains and proves each point):
#   - runs whether or not anyone is logged on: as the SYSTEM account, no password stored;
#   - runs when it was missed (the PC was off at 07:00) as soon as the PC is on: StartWhenAvailable;
#   - runs on battery and is not stopped when the PC goes on battery;
#   - runs the windowed program LinliDesk.exe, so no console window opens and steals the scanner's
#     focus; its result goes to the log (logs\linli-desk-tasks.log);
#   - names the printer: the 07:00 print never goes to a virtual printer (Print to PDF, OneNote);
#   - quotes the program's path, which has spaces under Program Files.
# Check it at once with:  Start-ScheduledTask -TaskName "Linli Desk daily sheet"
param(
    [Parameter(Mandatory = $true)] [string] $Printer,
    [string] $Program = 'C:\Program Files\Linli Desk\LinliDesk.exe',
    [string] $Store = 'C:\ProgramData\Linli\LinliDesk\linli-desk.sqlite3',
    [string] $At = '07:00',
    [string] $TaskName = 'Linli Desk daily sheet'
)
$ErrorActionPreference = 'Stop'

if (-not (Test-Path -LiteralPath $Program)) { throw "The program is not at $Program (use -Program)." }
if (-not (Test-Path -LiteralPath $Store)) { throw "The store is not at $Store (use -Store)." }
if (-not (Get-Printer -Name $Printer -ErrorAction SilentlyContinue)) {
    $names = (Get-Printer | ForEach-Object { $_.Name }) -join ', '
    throw "No printer named '$Printer' for all users of this PC. Installed: $names"
}

# Task Scheduler passes -Argument to the program as its command line: each value with spaces in
# double quotes. -Execute gets the path in double quotes too, as the Task Scheduler window writes it.
$action = New-ScheduledTaskAction -Execute ('"{0}"' -f $Program) `
    -Argument ('--db "{0}" sheet --print --printer "{1}"' -f $Store, $Printer)
$trigger = New-ScheduledTaskTrigger -Daily -At $At
$settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -AllowStartIfOnBatteries `
    -DontStopIfGoingOnBatteries -ExecutionTimeLimit (New-TimeSpan -Minutes 15)
$principal = New-ScheduledTaskPrincipal -UserId 'NT AUTHORITY\SYSTEM' -LogonType ServiceAccount

Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings `
    -Principal $principal -Force
